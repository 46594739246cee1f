// The engine's fast paths, for known unicast (BridgeEngine.FastPath.cs) and for floods
// (BridgeEngine.FloodPath.cs), must be invisible: the same random traffic through two engines, one
// forwarding with ProcessBatch(frames) (live batches take the fast paths) and one with
// ProcessBatch(frames, dispositions) (reporting batches take only the general path), must leave the
// same frames on the same queues in the same classes, trap the same frames, and end with the same
// counters and FDB. Small egress queues make some copies tail drops on both. The flood run adds what
// the flood path hands back to the general one: storm control, a port with an egress ACL, tagged and
// untagged copies of one flood, and frames a reflecting neighbour sends back (the ping-pong guard).
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Acl;
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
        var hosts = Enumerable.Range(1, 16).Select(i => new MacAddress(0x02_00_00_00_00_00UL | (uint)i)).ToArray();
        (PortCounters[] counters, long delivered) = RunBoth(seed, random, config => WithQos(config, random),
            (frameId, _) => RandomizedInvariantTests.RandomFrame(random, hosts, frameId), TimeSpan.FromSeconds(400), queueCapacity: 4);
        // The runs must have exercised the fast path and its way out by a full queue, or they prove little.
        Assert.True(delivered > FramesPerRun / 10, $"seed {seed}: only {delivered} copies delivered");
        Assert.True(counters.Sum(c => c.TxUnicast) > FramesPerRun / 20, $"seed {seed}: little known unicast");
        Assert.True(counters.Sum(c => c.EgressDroppedFor(DropReason.EgressQueueFull)) > 0, $"seed {seed}: no queue ever filled");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(20261205)]
    public void FloodsAgreeWithStormControlEgressPolicyTagMixesAndReflectedFrames(int seed)
    {
        var random = new Random(seed);
        var hosts = Enumerable.Range(1, 16).Select(i => new MacAddress(0x02_00_00_00_00_00UL | (uint)i)).ToArray();
        (PortCounters[] counters, long delivered) = RunBoth(seed, random, config => WithFloodFeatures(WithQos(config, random), random),
            (frameId, previous) => previous.Count > 0 && random.Next(8) == 0 ? previous[random.Next(previous.Count)] : RandomFloodFrame(random, hosts, frameId),
            TimeSpan.FromMilliseconds(300), queueCapacity: 8);
        Assert.True(delivered > FramesPerRun / 10, $"seed {seed}: only {delivered} copies delivered");
        Assert.True(counters.Sum(c => c.TxBroadcast) > FramesPerRun / 20, $"seed {seed}: few broadcast copies");
        Assert.True(counters.Sum(c => c.TxMulticast) > FramesPerRun / 20, $"seed {seed}: few multicast copies");
        Assert.True(counters.Sum(c => c.EgressDroppedFor(DropReason.EgressQueueFull)) > 0, $"seed {seed}: no queue ever filled");
        Assert.True(counters.Sum(c => c.DroppedFor(DropReason.StormBroadcast) + c.DroppedFor(DropReason.StormMulticast)) > 0, $"seed {seed}: storm control never dropped");
    }

    /// <summary>
    /// The same traffic through a live engine and a reporting one, compared batch by batch; the live
    /// engine's counters and the copies delivered come back for the caller's checks that the run did
    /// what it is meant to test.
    /// </summary>
    private static (PortCounters[] Counters, long Delivered) RunBoth(int seed, Random random, Func<BridgeConfig, BridgeConfig> configure,
        Func<int, List<byte[]>, byte[]> nextFrame, TimeSpan maxStep, int queueCapacity)
    {
        BridgeConfig config = configure(RandomizedInvariantTests.RandomConfig(random));
        var options = new BridgeEngineOptions { EgressQueueCapacity = queueCapacity };
        var live = new BridgeHarness(config, poolSize: 8192, options);
        var general = new BridgeHarness(config, poolSize: 8192, options);
        int sent = 0;
        int frameId = 0;
        long delivered = 0;
        var previous = new List<byte[]>();
        while (sent < FramesPerRun)
        {
            if (random.Next(10) == 0)
            {
                config = configure(RandomizedInvariantTests.Mutate(config, random));
                live.Engine.Publish(config);
                general.Engine.Publish(config);
            }
            if (random.Next(20) == 0)
            {
                var by = maxStep * random.NextDouble();
                live.Advance(by);
                general.Advance(by);
                Assert.Equal(general.Engine.SweepFdb(), live.Engine.SweepFdb());
            }
            var batch = new List<(int, byte[])>();
            int batchSize = random.Next(1, 65);
            for (int i = 0; i < batchSize; i++)
            {
                batch.Add((random.Next(config.Ports.Count), nextFrame(frameId++, previous)));
            }
            previous = [.. batch.Select(entry => entry.Item2)];
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
        return ([.. Enumerable.Range(0, config.Ports.Count).Select(live.Engine.Counters)], delivered);
    }

    /// <summary>
    /// Low storm-control ceilings on some ports (one in a few error-disables instead of dropping), a
    /// counting egress ACL on one port, so floods to it take the general fan-out, most ports open to
    /// floods, and the ping-pong guard on now and then (on, it keeps most floods from a hairpin port
    /// off the fast path while the clock stands still).
    /// </summary>
    private static BridgeConfig WithFloodFeatures(BridgeConfig config, Random random)
    {
        var countAll = new AccessList
        {
            Name = "count-all",
            DefaultVerdict = AclVerdict.Permit,
            Rules = [new AclRule("all", AclVerdict.Permit, new AclMatch()) { Actions = new AclActions { Count = "out" } }],
        };
        int policed = random.Next(config.Ports.Count + 2);   // now and then no port at all
        return config with
        {
            PingPongGuard = new PingPongGuard { Enabled = random.Next(3) == 0 },
            Acls = [countAll],
            Ports = [.. config.Ports.Select((port, i) => port with
            {
                StormControl = random.Next(3) == 0
                    ? new StormControl { BroadcastPps = random.Next(5, 60), MulticastPps = random.Next(0, 60), Action = random.Next(10) == 0 ? StormAction.Disable : StormAction.Drop }
                    : StormControl.Off,
                EgressAcl = i == policed ? "count-all" : null,
                BroadcastFlood = random.Next(8) != 0,
                MulticastFlood = random.Next(8) != 0,
            })],
        };
    }

    /// <summary>Mostly group frames (broadcast, two multicast groups), some unicast, in every tag form (RandomizedInvariantTests.RandomFrame's mix).</summary>
    private static byte[] RandomFloodFrame(Random random, MacAddress[] hosts, int id)
    {
        MacAddress destination = random.Next(6) switch
        {
            0 or 1 => MacAddress.Broadcast,
            2 => new MacAddress(0x01_00_5E_01_02_03),
            3 => new MacAddress(0x33_33_00_00_00_01),
            4 => new MacAddress(0x02_00_00_00_0F_00UL | (uint)random.Next(8)),   // never a source: unknown unicast
            _ => hosts[random.Next(hosts.Length)],
        };
        var builder = new FrameBuilder().From(hosts[random.Next(hosts.Length)]).To(destination);
        switch (random.Next(6))
        {
            case 0: builder.Tag(random.Next(2) == 0 ? 10 : 20, random.Next(8)); break;
            case 1: builder.Tag(0, random.Next(8)); break;
            case 2: builder.Tag(1); break;
            default: break;
        }
        var payload = new byte[random.Next(46, 120)];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)id);
        return builder.Payload(payload).Build();
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
