// A clock that stands still until the demo moves it, so every run prints the same thing.
namespace Hairpin.Host.Demo;

internal sealed class DemoClock : TimeProvider
{
    private long _timestamp;
    private DateTimeOffset _utcNow = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => _timestamp;
    public override DateTimeOffset GetUtcNow() => _utcNow;

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        _timestamp += by.Ticks;
        _utcNow += by;
    }
}
