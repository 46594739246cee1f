// A clock the test moves by hand (Microsoft.Extensions.TimeProvider.Testing does not restore here).
namespace Hairpin.Bridge.Core.Tests.Infrastructure;

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
