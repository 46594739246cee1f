// The egress scheduler's promises in figures: strict priority empties class 7 before class 0, DWRR
// with weights 3:1 serves bytes within 5% of 3:1 under saturation, the shaper holds its rate within
// 2%, and a full queue tail-drops and counts.
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Tests.Qos;

public sealed class EgressSchedulerTests
{
    private const long Frequency = TimeSpan.TicksPerSecond;
    private readonly FramePool _pool = new(4096);

    private FrameBuffer Frame(int length)
    {
        Assert.True(_pool.TryRent(out FrameBuffer? frame));
        frame.SetLength(length);
        return frame;
    }

    [Fact]
    public void StrictPriorityEmptiesClassSevenBeforeClassZero()
    {
        var scheduler = new EgressScheduler(new EgressSchedulerConfig(), now: 0, Frequency);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(scheduler.TryEnqueue(Frame(100), 0));
            Assert.True(scheduler.TryEnqueue(Frame(200), 7));
        }
        var order = new List<int>();
        while (scheduler.TryDequeue(0, out FrameBuffer? frame))
        {
            order.Add(frame.Length);
            _pool.Release(frame);
        }
        Assert.Equal(Enumerable.Repeat(200, 10).Concat(Enumerable.Repeat(100, 10)), order);
    }

    [Fact]
    public void DwrrWithWeightsThreeToOneServesBytesWithinFivePercentOfThreeToOne()
    {
        var scheduler = new EgressScheduler(new EgressSchedulerConfig { Weights = [3, 1, 1, 1, 1, 1, 1, 1] }, now: 0, Frequency);
        var random = new Random(3);
        long[] served = new long[2];
        for (int round = 0; round < 20_000; round++)
        {
            // Keep both classes saturated with frames of mixed sizes.
            for (int c = 0; c < 2; c++)
            {
                while (scheduler.QueuedFrames(c) < 8)
                {
                    FrameBuffer frame = Frame(random.Next(64, 1519));
                    frame.IngressPort = c;   // marks the class, for counting (the scheduler ignores it)
                    scheduler.TryEnqueue(frame, c);
                }
            }
            Assert.True(scheduler.TryDequeue(0, out FrameBuffer? sent));
            served[sent.IngressPort] += sent.Length;
            _pool.Release(sent);
        }
        double ratio = (double)served[0] / served[1];
        Assert.InRange(ratio, 3 * 0.95, 3 * 1.05);
    }

    [Fact]
    public void TheShaperHoldsItsRateWithinTwoPercent()
    {
        const long rate = 10_000_000 / 8;   // 10 Mbit/s
        var scheduler = new EgressScheduler(new EgressSchedulerConfig { ShaperBytesPerSecond = rate, ShaperBurstBytes = 3_000 }, now: 0, Frequency);
        long sent = 0;
        for (long tick = 0; tick <= Frequency; tick += 100)   // a transmitter asking every 10 us for one second
        {
            while (scheduler.QueuedFrames(0) < 4)
            {
                scheduler.TryEnqueue(Frame(1500), 0);
            }
            while (scheduler.TryDequeue(tick, out FrameBuffer? frame))
            {
                sent += frame.Length;
                _pool.Release(frame);
            }
        }
        long expected = 3_000 + rate;   // the initial burst plus one second at the rate
        Assert.InRange(sent, expected * 0.98, expected * 1.02);
    }

    [Fact]
    public void AFullQueueTailDropsAndCountsByFramesAndByBytes()
    {
        var scheduler = new EgressScheduler(new EgressSchedulerConfig { QueueDepthFrames = 4, QueueDepthBytes = 2_000 }, now: 0, Frequency);
        Assert.True(scheduler.TryEnqueue(Frame(100), 3));
        Assert.True(scheduler.TryEnqueue(Frame(100), 3));
        Assert.True(scheduler.TryEnqueue(Frame(100), 3));
        Assert.True(scheduler.TryEnqueue(Frame(100), 3));
        Assert.False(scheduler.TryEnqueue(Frame(100), 3));        // a fifth frame
        Assert.True(scheduler.TryEnqueue(Frame(1_500), 2));
        Assert.False(scheduler.TryEnqueue(Frame(1_500), 2));      // 3,000 bytes > 2,000
        Assert.Equal(1, scheduler.TailDrops(3));
        Assert.Equal(1, scheduler.TailDrops(2));
    }
}
