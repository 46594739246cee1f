// A predicate over a frame's bytes that a capture applies after its port, direction, MAC and VLAN
// (the tcpdump-style expression of `hairpin capture ... FILTER`). Runs on the forwarding thread for
// every frame of a captured port: it must not allocate or throw.
namespace Hairpin.Bridge.Core.Capture;

public interface IFrameFilter
{
    bool Matches(ReadOnlySpan<byte> frame);
}
