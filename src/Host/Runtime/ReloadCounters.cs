// How many configuration reloads (SIGHUP or `hairpin config reload`) were applied and how many were
// refused, for `stats` and the metrics: a refused reload leaves the old configuration running, which
// an operator who missed the log line would otherwise never learn.
namespace Hairpin.Host.Runtime;

/// <summary>Counted from any thread; read without locks.</summary>
public sealed class ReloadCounters
{
    private long _applied;
    private long _refused;

    public long Applied => Interlocked.Read(ref _applied);
    public long Refused => Interlocked.Read(ref _refused);

    public void CountApplied() => Interlocked.Increment(ref _applied);
    public void CountRefused() => Interlocked.Increment(ref _refused);
}
