// The engine's known-unicast fast path (BridgeEngine.FastPath.cs) must be invisible: the same random
// traffic through two engines, one forwarding with ProcessBatch(frames) (live batches take the fast
// path) and one with ProcessBatch(frames, dispositions) (reporting batches take only the general
// path), must leave the same frames on the same queues in the same classes, trap the same frames, and
// end with the same counters and FDB. Small egress queues make some copies tail drops on both.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class FastPathAgreementTests
{
    private const int FramesPerRun = 5_000;

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(20261204)]
    public void LiveAndReportingBatchesAgreeOnEveryFrameCounterAndEntry(int seed)
    {
        var random = new Random(seed);
        BridgeConfig config = WithQos(RandomizedInvariantTests.RandomConfig(random), random);
        var options = new BridgeEngineOptions { EgressQueueCapacity = 4 };
        var live = new BridgeHarness(config, poolSize: 8192, options);
        var general = new BridgeHarness(config, poolSize: 8192, options);
        var hosts = Enumerable.Range(1, 16).Select(i => new MacAddress(0x02_00_00_00_00_00UL | (uint)i)).ToArray();
        int sent = 0;
        int frameId = 0;
        long delivered = 0;
        while (sent < FramesPerRun)
        {
            if (random.Next(10) == 0)
            {
                config = WithQos(RandomizedInvariantTests.Mutate(config, random), random);
                live.Engine.Publish(config);
                general.Engine.Publish(config);
            }
            if (random.Next(20) == 0)
            {
                var by = TimeSpan.FromSeconds(random.Next(400));
                live.Advance(by);
                general.Advance(by);
                Assert.Equal(general.Engine.SweepFdb(), live.Engine.SweepFdb());
            }
            var batch = new List<(int, byte[])>();
            int batchSize = random.Next(1, 65);
            for (int i = 0; i < batchSize; i++)
            {
                batch.Add((random.Next(config.Ports.Count), RandomizedInvariantTests.RandomFrame(random, hosts, frameId++)));
            }
            live.Send(batch);
            general.SendFor(batch);
            sent += batchSize;
            string where = $"seed {seed}, after {sent} frames";
            List<Delivered> expected = general.DrainEgress();
            List<Delivered> actual = live.DrainEgress();
            AssertSameFrames(expected, actual, where);
            AssertSameFrames(general.DrainControlPlane(), live.DrainControlPlane(), where);
            delivered += expected.Count;
        }
        for (int port = 0; port < config.Ports.Count; port++)
        {
            AssertSameCounters(general.Engine.Counters(port), live.Engine.Counters(port), $"seed {seed}, port {port}");
        }
        Assert.Equal(general.Engine.Fdb.Snapshot(), live.Engine.Fdb.Snapshot());
        Assert.Equal(general.Pool.AvailableCount, live.Pool.AvailableCount);
        Assert.Equal(live.Pool.TotalCount, live.Pool.AvailableCount);
        // The runs must have exercised the fast path and its way out by a full queue, or they prove little.
        Assert.True(delivered > FramesPerRun / 10, $"seed {seed}: only {delivered} copies delivered");
        Assert.True(Enumerable.Range(0, config.Ports.Count).Sum(p => live.Engine.Counters(p).TxUnicast) > FramesPerRun / 20, $"seed {seed}: little known unicast");
        Assert.True(Enumerable.Range(0, config.Ports.Count).Sum(p => live.Engine.Counters(p).EgressDroppedFor(DropReason.EgressQueueFull)) > 0, $"seed {seed}: no queue ever filled");
    }

    // Some ports trust no tag and have a default priority, so classification differs by port.
    private static BridgeConfig WithQos(BridgeConfig config, Random random) => config with
    {
        Ports = [.. config.Ports.Select(port => random.Next(3) == 0
            ? port with { Qos = port.Qos with { Trust = QosTrust.None, DefaultPriority = random.Next(8) } }
            : port)],
    };

    private static void AssertSameFrames(List<Delivered> expected, List<Delivered> actual, string where)
    {
        Assert.True(expected.Count == actual.Count, $"{where}: {actual.Count} frames, the general path gave {expected.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Port == actual[i].Port && expected[i].IngressPort == actual[i].IngressPort
                && expected[i].Vid == actual[i].Vid && expected[i].TrafficClass == actual[i].TrafficClass
                && expected[i].Bytes.AsSpan().SequenceEqual(actual[i].Bytes), $"{where}: frame {i} differs: {actual[i]} vs {expected[i]}");
        }
    }

    private static void AssertSameCounters(PortCounters expected, PortCounters actual, string where)
    {
        long[] Scalars(PortCounters c) =>
        [
            c.RxFrames, c.RxBytes, c.RxUnicast, c.RxMulticast, c.RxBroadcast, c.Forwarded, c.Trapped, c.Flooded,
            c.TxFrames, c.TxBytes, c.TxUnicast, c.TxMulticast, c.TxBroadcast, c.Learned, c.MovedIn, c.LearnLimitHits,
            c.ErrorDisabled, c.MovesDamped, c.StormEpisodes, c.LoopProbesSent, c.Mirrored,
        ];
        Assert.True(Scalars(expected).SequenceEqual(Scalars(actual)), $"{where}: counters {string.Join(',', Scalars(actual))} vs {string.Join(',', Scalars(expected))}");
        Assert.True(expected.Dropped.SequenceEqual(actual.Dropped), $"{where}: drop counters differ");
        Assert.True(expected.EgressDropped.SequenceEqual(actual.EgressDropped), $"{where}: egress drop counters differ");
    }
}
