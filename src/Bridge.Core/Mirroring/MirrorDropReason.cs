// Why a mirror copy was not sent. A destination that cannot keep up loses copies, counted here per
// session and reason; forwarding never waits for it and never loses a frame to it.
namespace Hairpin.Bridge.Core.Mirroring;

public enum MirrorDropReason : byte
{
    /// <summary>No buffer was free for the copy (forwarding's frames come first).</summary>
    PoolExhausted,
    /// <summary>The destination port's egress queue was full.</summary>
    QueueFull,
    /// <summary>The destination port is not forwarding (disabled, blocking, error-disabled or without link).</summary>
    DestinationDown,
    /// <summary>The capture ring was full: the host has not written the earlier copies out yet.</summary>
    RingFull,
    /// <summary>The copy with its RSPAN tag would not fit in a buffer.</summary>
    TooBig,
}

public static class MirrorDropReasons
{
    public static readonly int Count = Enum.GetValues<MirrorDropReason>().Length;

    /// <summary>Lower-case, hyphenated names for CLIs and metrics, e.g. "queue-full".</summary>
    public static string Name(MirrorDropReason reason) => Counters.KebabNames.Of(reason);
}
