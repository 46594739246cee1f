// Destination class of a frame, for flood flags and counters.
namespace Hairpin.Bridge.Core.Forwarding;

internal enum FrameKind : byte
{
    Unicast,
    Multicast,
    Broadcast,
}
