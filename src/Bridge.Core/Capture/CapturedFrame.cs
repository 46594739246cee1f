// One captured frame as the reader gets it (CaptureSession.TryRead copies into it, so one instance
// serves a whole capture): the bytes up to the snap length, the length on the wire, the port and
// direction, the engine's timestamp, and why the bridge dropped it, if it did.
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Capture;

public sealed class CapturedFrame(int snapLength)
{
    public byte[] Data { get; } = new byte[snapLength];

    /// <summary>Bytes captured (at most the snap length).</summary>
    public int Length { get; internal set; }

    /// <summary>The frame's length as the bridge saw it.</summary>
    public int OriginalLength { get; internal set; }

    public int Port { get; internal set; }

    /// <summary>False: received by the port; true: leaving by it.</summary>
    public bool Outbound { get; internal set; }

    /// <summary>The engine's TimeProvider timestamp of the batch the frame was in.</summary>
    public long Timestamp { get; internal set; }

    /// <summary>Why the bridge dropped the frame (or this copy); null when it did not.</summary>
    public DropReason? Dropped { get; internal set; }

    public ReadOnlySpan<byte> Bytes => Data.AsSpan(0, Length);
}
