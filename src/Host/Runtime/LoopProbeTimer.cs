// When to send the next round of loop detection probes: every few seconds, jittered, so that the
// bridges of one ring do not all probe in the same instant and each cut a port (loop-protection.md).
namespace Hairpin.Host.Runtime;

internal sealed class LoopProbeTimer(TimeSpan interval, Random random)
{
    private long _due;

    /// <summary>When the next round is due (timestamp ticks).</summary>
    public long Due => _due;

    /// <summary>True when a round is due at <paramref name="now"/> (timestamp ticks); schedules the next one.</summary>
    public bool IsDue(long now, long frequency)
    {
        if (now < _due)
        {
            return false;
        }
        // Uniform in [0.75, 1.25] x the interval.
        double factor = 0.75 + (random.NextDouble() / 2);
        _due = now + (long)(interval.TotalSeconds * factor * frequency);
        return true;
    }
}
