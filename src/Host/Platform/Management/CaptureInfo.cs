// The wire records of `hairpin capture` (capture.start, capture.read, capture.stop): the CLI starts a
// capture, reads what it took every few tens of milliseconds (frames as base64 in JSON) and writes
// them as pcapng itself, then stops it. Polling keeps the socket's one-request-one-answer rule, and a
// reader that dies only leaves a capture that expires.
namespace Hairpin.Host.Management;

/// <param name="Port">The port (`dev NAME`).</param>
/// <param name="Vsi">Only the frames of this VSI (its MAC and VLAN, by VSIID as `vsi show` prints it).</param>
/// <param name="Mac">Only frames from or to this MAC.</param>
/// <param name="Vid">Only frames in this VLAN (0: any).</param>
/// <param name="Direction">"in", "out" or "both".</param>
/// <param name="Count">Frames after which the capture ends (0: none).</param>
/// <param name="Bytes">Captured bytes after which it ends (0: none).</param>
/// <param name="Filter">A tcpdump-style expression (specs/capture.md), or null.</param>
public sealed record CaptureStartArgs(
    string Port,
    string? Vsi = null,
    string? Mac = null,
    int Vid = 0,
    string Direction = "both",
    long Count = 0,
    long Bytes = 0,
    int SnapLength = 2048,
    string? Filter = null);

public sealed record CaptureStarted(string Id, string Port, int SnapLength);

public sealed record CaptureReadArgs(string Id, int Max = 256);

/// <param name="Dropped">Why the bridge dropped the frame (a drop reason as `stats` names it); null when it did not.</param>
public sealed record CapturedFrameInfo(string Port, bool Outbound, long UnixNanoseconds, int OriginalLength, string? Dropped, byte[] Data);

/// <param name="Lost">Frames the capture lost so far because its reader was slow (forwarding lost none).</param>
/// <param name="Ended">The capture took its frame or byte budget and every frame has been read.</param>
public sealed record CaptureChunk(IReadOnlyList<CapturedFrameInfo> Frames, long Lost, bool Ended);

public sealed record CaptureStopArgs(string Id);

public sealed record CaptureStopped(long Captured, long Lost);
