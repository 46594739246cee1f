// EvbTimers: 10 us x 2^exponent, and the larger of each field is what both ends run with.
using Hairpin.Bridge.Core.Qbg.Lldp;

namespace Hairpin.Bridge.Core.Tests.Qbg.Lldp;

public class EvbTimersTests
{
    [Fact]
    public void LldpadDefaultsGiveTheDocumentedTimes()
    {
        EvbTimers timers = EvbTimers.LldpadDefaults;

        Assert.Equal(new EvbTimers(3, 8, 20, 20), timers);
        Assert.Equal(TimeSpan.FromMicroseconds(2560), timers.RetransmitTimeout);          // 2.56 ms
        Assert.Equal(TimeSpan.FromMicroseconds(10 * 1_048_576), timers.ResourceWaitDelay); // ~10.5 s
        Assert.Equal(TimeSpan.FromMicroseconds(10 * 1_048_576), timers.KeepAlive);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 20)]
    [InlineData(14, 163_840)]
    [InlineData(31, 21_474_836_480)]
    public void ExponentIsTenMicrosecondsTimesAPowerOfTwo(int exponent, long microseconds)
    {
        Assert.Equal(TimeSpan.FromMicroseconds(microseconds), EvbTimers.FromExponent(exponent));
    }

    [Fact]
    public void MaxTakesTheLargerOfEachField()
    {
        Assert.Equal(new EvbTimers(5, 8, 22, 20), EvbTimers.Max(new EvbTimers(3, 8, 20, 20), new EvbTimers(5, 6, 22, 14)));
    }

    [Theory]
    [InlineData(8, 0, 0, 0)]
    [InlineData(0, 32, 0, 0)]
    [InlineData(0, 0, -1, 0)]
    [InlineData(0, 0, 0, 32)]
    public void ValuesOutsideTheirBitsAreInvalid(int r, int rte, int rwd, int rka)
    {
        Assert.False(new EvbTimers(r, rte, rwd, rka).IsValid);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvbNegotiation(EvbMode.Bridge, new EvbSettings { Timers = new EvbTimers(r, rte, rwd, rka) }));
    }
}
