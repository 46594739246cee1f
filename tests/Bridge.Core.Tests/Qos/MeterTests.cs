// RFC 2697 and 2698 meters against the figures the RFCs imply, with a fake clock: bytes passed as
// green (and yellow) must equal bucket size plus rate x time to within one frame.
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Tests.Qos;

public sealed class MeterTests
{
    private const long Frequency = TimeSpan.TicksPerSecond;   // 100 ns ticks
    private const int FrameBytes = 1500;
    private const long TenMegabits = 10_000_000 / 8;          // bytes per second
    private const long FrameEvery = 1_200;                    // 120 us: 100 Mbit/s of 1500-byte frames

    /// <summary>Offers 100 Mbit/s for one second; returns bytes per color and when the last frame went.</summary>
    private static (long Green, long Yellow, long Red, long LastTick) Saturate(Func<long, MeterColor> mark)
    {
        long[] bytes = new long[3];
        long tick = 0;
        for (; tick < Frequency; tick += FrameEvery)
        {
            bytes[(int)mark(tick)] += FrameBytes;
        }
        return (bytes[0], bytes[1], bytes[2], tick - FrameEvery);
    }

    [Fact]
    public void ASingleRateMeterOfTenMegabitsWithA15000ByteBurstPassesBurstPlusRateTimesTimeAsGreen()
    {
        var meter = new SingleRateMeter(TenMegabits, cbsBytes: 15_000, ebsBytes: 15_000, now: 0, Frequency);
        var (green, yellow, red, last) = Saturate(t => meter.Mark(FrameBytes, t));

        long expectedGreen = 15_000 + (TenMegabits * last / Frequency);
        Assert.InRange(green, expectedGreen - FrameBytes, expectedGreen + FrameBytes);
        Assert.InRange(yellow, 15_000 - FrameBytes, 15_000 + FrameBytes);   // E only ever holds its initial fill: C never overflows under load
        Assert.Equal(8_334 * (long)FrameBytes, green + yellow + red);
    }

    [Fact]
    public void ABurstAtOnceIsGreenUpToCbsThenYellowUpToEbsThenRed()
    {
        var meter = new SingleRateMeter(TenMegabits, cbsBytes: 15_000, ebsBytes: 6_000, now: 0, Frequency);
        var colors = Enumerable.Range(0, 20).Select(_ => meter.Mark(FrameBytes, now: 0)).ToArray();
        Assert.Equal(10, colors.Count(c => c == MeterColor.Green));
        Assert.Equal(4, colors.Count(c => c == MeterColor.Yellow));
        Assert.Equal(6, colors.Count(c => c == MeterColor.Red));
        Assert.Equal(MeterColor.Green, colors[9]);
        Assert.Equal(MeterColor.Red, colors[14]);
    }

    [Fact]
    public void AnIdleMeterRefillsToItsBucketsAndNoFurther()
    {
        var meter = new SingleRateMeter(TenMegabits, cbsBytes: 15_000, ebsBytes: 0, now: 0, Frequency);
        for (int i = 0; i < 50; i++)
        {
            meter.Mark(FrameBytes, now: 0);
        }
        long hourLater = 3_600 * Frequency;
        int green = Enumerable.Range(0, 50).Count(_ => meter.Mark(FrameBytes, hourLater) == MeterColor.Green);
        Assert.Equal(10, green);
    }

    [Fact]
    public void ATwoRateMeterMarksWithinCirGreenBetweenCirAndPirYellowAndAbovePirRed()
    {
        var meter = new TwoRateMeter(pirBytesPerSecond: 2 * TenMegabits, pbsBytes: 30_000, cirBytesPerSecond: TenMegabits, cbsBytes: 15_000, now: 0, Frequency);
        var (green, yellow, red, last) = Saturate(t => meter.Mark(FrameBytes, t));

        long expectedGreen = 15_000 + (TenMegabits * last / Frequency);
        long expectedGreenOrYellow = 30_000 + (2 * TenMegabits * last / Frequency);
        Assert.InRange(green, expectedGreen - FrameBytes, expectedGreen + FrameBytes);
        Assert.InRange(green + yellow, expectedGreenOrYellow - (2 * FrameBytes), expectedGreenOrYellow + (2 * FrameBytes));
        Assert.True(red > 0);
    }

    [Fact]
    public void ColorAwareMetersNeverImproveAFramesColor()
    {
        var single = new SingleRateMeter(TenMegabits, 15_000, 15_000, 0, Frequency);
        var dual = new TwoRateMeter(2 * TenMegabits, 30_000, TenMegabits, 15_000, 0, Frequency);
        Assert.Equal(MeterColor.Yellow, single.Mark(FrameBytes, 0, MeterColor.Yellow));
        Assert.Equal(MeterColor.Red, single.Mark(FrameBytes, 0, MeterColor.Red));
        Assert.Equal(MeterColor.Yellow, dual.Mark(FrameBytes, 0, MeterColor.Yellow));
        Assert.Equal(MeterColor.Red, dual.Mark(FrameBytes, 0, MeterColor.Red));
        Assert.Equal(MeterColor.Green, dual.Mark(FrameBytes, 0));   // full buckets: an uncolored frame is green
    }
}
