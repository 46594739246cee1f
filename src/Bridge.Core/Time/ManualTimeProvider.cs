// A clock that stands still until its owner moves it: for simulations of the engine (the demo, the
// CLI's trace, tests), where every run must print the same thing. Not a timer: nothing fires.
namespace Hairpin.Bridge.Core.Time;

public sealed class ManualTimeProvider : TimeProvider
{
    private long _timestamp = 1_000_000;
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
