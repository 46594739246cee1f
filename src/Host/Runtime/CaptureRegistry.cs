// The live captures of one appliance, by id: what `capture.read` and `capture.stop` name. A capture
// whose reader has not asked for frames for a while (a CLI killed, a pipe gone) is stopped and
// forgotten, so a reader that goes away leaves nothing running on the forwarding path.
using System.Collections.Concurrent;
using Hairpin.Bridge.Core.Capture;

namespace Hairpin.Host.Runtime;

internal sealed class CaptureRegistry
{
    /// <summary>A capture nobody read for this long is stopped.</summary>
    public static readonly TimeSpan ReaderPatience = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, RunningCapture> _running = new(StringComparer.Ordinal);
    private long _next;

    public RunningCapture Add(CaptureSession session, string port, long startTimestamp, long startUnixNanoseconds, long now)
    {
        string id = $"cap{Interlocked.Increment(ref _next)}";
        var capture = new RunningCapture(id, session, port, startTimestamp, startUnixNanoseconds) { LastRead = now };
        _running[id] = capture;
        return capture;
    }

    public RunningCapture? Find(string id) => _running.GetValueOrDefault(id);

    public bool Remove(string id) => _running.TryRemove(id, out _);

    /// <summary>The captures whose reader went quiet before <paramref name="now"/> less the patience (timestamps of <paramref name="frequency"/>).</summary>
    public List<RunningCapture> Abandoned(long now, long frequency) =>
        [.. _running.Values.Where(capture => now - Volatile.Read(ref capture.LastRead) > (long)(ReaderPatience.TotalSeconds * frequency))];
}

/// <summary>One capture: its session, its port's name, and the engine timestamp it maps to wall-clock time from.</summary>
internal sealed class RunningCapture(string id, CaptureSession session, string port, long startTimestamp, long startUnixNanoseconds)
{
    public string Id { get; } = id;
    public CaptureSession Session { get; } = session;
    public string Port { get; } = port;
    public long StartTimestamp { get; } = startTimestamp;
    public long StartUnixNanoseconds { get; } = startUnixNanoseconds;
    public CapturedFrame Reader { get; } = new(session.SnapLength);
    public Lock ReadGate { get; } = new();
#pragma warning disable CA1051 // Read and written with Volatile by the readers and the expiry sweep.
    public long LastRead;
#pragma warning restore CA1051
}
