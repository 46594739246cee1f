// The engine's fast paths, for known unicast (BridgeEngine.FastPath.cs) and for floods
// (BridgeEngine.FloodPath.cs), must be invisible: the same random traffic through two engines, one
// forwarding with ProcessBatch(frames) (live batches take the fast paths) and one with
// ProcessBatch(frames, dispositions) (reporting batches take only the general path), must leave the
// same frames on the same queues in the same classes, trap the same frames, and end with the same
// counters and FDB. Small egress queues make some copies tail drops on both. The traffic has every way
// out of the fast loop in it: frames it leaves whole to the general path, and frames it finishes out
// of line (a source to learn, a tag to push or pop, a full queue). The flood run adds what the flood
// path hands back to the general one: storm control, a port with an egress ACL, tagged and untagged
// copies of one flood, and frames a reflecting neighbour sends back (the ping-pong guard). Ports' links
// go down and come back now and then (BridgeEngine.SetLinkUp), on both engines alike.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Forwarding.PathAgreement;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class FastPathAgreementTests
{
    private const int FramesPerRun = 5_000;
    private static readonly MacAddress[] Hosts = [.. Enumerable.Range(1, 16).Select(i => new MacAddress(0x02_00_00_00_00_00UL | (uint)i))];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(20261204)]
    public void LiveAndReportingBatchesAgreeOnEveryFrameCounterAndEntry(int seed)
    {
        var random = new Random(seed);
        AssertUnicastAgreement(seed, random, WithQos(RandomizedInvariantTests.RandomConfig(random), random), AgreementFrame);
    }
    /// <summary>The same between trunks and access ports with mostly tagged traffic: tags rewritten, pushed and popped.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    public void LiveAndReportingBatchesAgreeBetweenTrunks(int seed)
    {
        var random = new Random(seed);
        PortConfig Port(int index, PortVlans vlans) => new() { Name = $"p{index}", Vlans = vlans, BpduGuard = false };
        var config = new BridgeConfig
        {
            Ports =
            [
                Port(0, PortVlans.Trunk(VlanSet.Of(10, 20))) with { Hairpin = true },
                Port(1, PortVlans.Trunk(VlanSet.Of(10, 20), nativeVid: 1)),
                Port(2, PortVlans.Trunk(VlanSet.Of(10, 20))),
                Port(3, PortVlans.Access(10)),
                Port(4, PortVlans.Access(20)),
            ],
            MaxLearned = 40,
        };
        AssertUnicastAgreement(seed, random, WithQos(config, random), TaggedFrame);
    }

    /// <summary>
    /// One live batch meets a new host, the same host again from another port (a move), traffic to it,
    /// and more new hosts than the loop defers at once: it learns them in the frames' order, as the
    /// general path does frame by frame, whatever it puts off to the end of a run.
    /// </summary>
    [Fact]
    public void NewHostsMetInOneBatchAreLearnedInTheFramesOrder()
    {
        var config = new BridgeConfig
        {
            Ports = [.. Enumerable.Range(0, 3).Select(i => new PortConfig { Name = $"p{i}" })],
            MacMoveDamping = new MacMoveDamping { Enabled = true, MaxMoves = 1 },
        };
        var live = new BridgeHarness(config, poolSize: 1024);
        var general = new BridgeHarness(config, poolSize: 1024);
        MacAddress Host(int i) => new(0x02_00_00_00_10_00UL | (uint)i);
        byte[] Frame(int from, int to, int id) => new FrameBuilder().From(Host(from)).To(Host(to)).Payload(BitConverter.GetBytes(id)).Build();
        var known = new List<(int, byte[])> { (1, Frame(1, 2, 0)), (2, Frame(2, 1, 1)) };
        live.Send(known);
        general.SendFor(known);
        var batch = new List<(int, byte[])>
        {
            (0, Frame(1, 2, 2)),   // host 1 moves from p1 to p0
            (1, Frame(1, 2, 3)),   // and back: damped
            (0, Frame(10, 2, 4)),  // a new host
            (1, Frame(10, 2, 5)),  // the new host again, from another port
            (0, Frame(10, 2, 7)),  // and back: damped
            (2, Frame(2, 10, 6)),  // to it
        };
        batch.AddRange(Enumerable.Range(100, 100).Select(i => (0, Frame(i, 2, i))));   // more new hosts than the loop defers at once
        batch.AddRange(Enumerable.Range(100, 100).Select(i => (2, Frame(2, i, 1000 + i))));
        live.Send(batch);
        general.SendFor(batch);
        AssertSameFrames(general.DrainEgress(), live.DrainEgress(), "the batch");
        for (int port = 0; port < 3; port++)
        {
            AssertSameCounters(general.Engine.Counters(port), live.Engine.Counters(port), $"port {port}");
        }
        Assert.Equal(general.Engine.Fdb.Snapshot(), live.Engine.Fdb.Snapshot());
        List<MacMoveReport> reports = Reports(general.Engine);
        Assert.Equal(reports, Reports(live.Engine));
        Assert.Equal(2, reports.Count);   // host 1's move back was damped, and the new host's
        Assert.Equal(103, live.Engine.Fdb.LearnedCount);   // hosts 1, 2, 10 and 100-199
    }

    private static List<MacMoveReport> Reports(BridgeEngine engine)
    {
        var reports = new List<MacMoveReport>();
        while (engine.MacMoveReports.TryTake(out MacMoveReport report))
        {
            reports.Add(report);
        }
        return reports;
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    [InlineData(20261205)]
    public void FloodsAgreeWithStormControlEgressPolicyTagMixesAndReflectedFrames(int seed)
    {
        var random = new Random(seed);
        BridgeConfig Configure(BridgeConfig config) => WithFloodFeatures(WithQos(config, random), random);
        (PortCounters[] counters, long delivered) = RunBoth(seed, random, Configure(RandomizedInvariantTests.RandomConfig(random)), Configure,
            (frameId, previous) => previous.Count > 0 && random.Next(8) == 0 ? previous[random.Next(previous.Count)] : RandomFloodFrame(random, Hosts, frameId),
            step: () => TimeSpan.FromMilliseconds(300) * random.NextDouble(), queueCapacity: 8);
        Assert.True(delivered > FramesPerRun / 10, $"seed {seed}: only {delivered} copies delivered");
        Assert.True(counters.Sum(c => c.TxBroadcast) > FramesPerRun / 20, $"seed {seed}: few broadcast copies");
        Assert.True(counters.Sum(c => c.TxMulticast) > FramesPerRun / 20, $"seed {seed}: few multicast copies");
        Assert.True(counters.Sum(c => c.EgressDroppedFor(DropReason.EgressQueueFull)) > 0, $"seed {seed}: no queue ever filled");
        Assert.True(counters.Sum(c => c.DroppedFor(DropReason.StormBroadcast) + c.DroppedFor(DropReason.StormMulticast)) > 0, $"seed {seed}: storm control never dropped");
    }

    /// <summary>Known-unicast traffic through both engines; the run must have exercised the fast path and its way out by a full queue, or it proves little.</summary>
    private static void AssertUnicastAgreement(int seed, Random random, BridgeConfig config, Func<Random, MacAddress[], int, byte[]> frameOf)
    {
        (PortCounters[] counters, long delivered) = RunBoth(seed, random, config, changed => WithQos(changed, random),
            (frameId, _) => frameOf(random, Hosts, frameId), step: () => TimeSpan.FromSeconds(random.Next(400)), queueCapacity: 4);
        Assert.True(delivered > FramesPerRun / 10, $"seed {seed}: only {delivered} copies delivered");
        Assert.True(counters.Sum(c => c.TxUnicast) > FramesPerRun / 20, $"seed {seed}: little known unicast");
        Assert.True(counters.Sum(c => c.EgressDroppedFor(DropReason.EgressQueueFull)) > 0, $"seed {seed}: no queue ever filled");
    }

    /// <summary>
    /// The same traffic through a live engine and a reporting one, compared batch by batch (configuration
    /// changes and clock steps in between); half the batches have each port's frames together, as the
    /// host gathers them (a separate Random decides, so the traffic's stream stays as it was). The live
    /// engine's counters and the copies delivered come back for the caller's checks that the run did what
    /// it is meant to test.
    /// </summary>
    private static (PortCounters[] Counters, long Delivered) RunBoth(int seed, Random random, BridgeConfig config, Func<BridgeConfig, BridgeConfig> reconfigure,
        Func<int, List<byte[]>, byte[]> nextFrame, Func<TimeSpan> step, int queueCapacity)
    {
        var options = new BridgeEngineOptions { EgressQueueCapacity = queueCapacity };
        var live = new BridgeHarness(config, poolSize: 8192, options);
        var general = new BridgeHarness(config, poolSize: 8192, options);
        var gathering = new Random(seed);
        var links = new Random(seed + 1);   // links come and go on a stream of their own, so the traffic's stays as it was
        int sent = 0;
        int frameId = 0;
        long delivered = 0;
        var previous = new List<byte[]>();
        while (sent < FramesPerRun)
        {
            if (random.Next(10) == 0)
            {
                config = reconfigure(RandomizedInvariantTests.Mutate(config, random));
                live.Engine.Publish(config);
                general.Engine.Publish(config);
            }
            if (random.Next(20) == 0)
            {
                TimeSpan by = step();
                live.Advance(by);
                general.Advance(by);
                Assert.Equal(general.Engine.SweepFdb(), live.Engine.SweepFdb());
            }
            if (links.Next(25) == 0)
            {
                int port = links.Next(config.Ports.Count);
                bool up = links.Next(4) != 0;
                live.Engine.SetLinkUp(port, up);
                general.Engine.SetLinkUp(port, up);
            }
            var batch = new List<(int, byte[])>();
            int batchSize = random.Next(1, 65);
            for (int i = 0; i < batchSize; i++)
            {
                batch.Add((random.Next(config.Ports.Count), nextFrame(frameId++, previous)));
            }
            if (gathering.Next(2) == 0)
            {
                batch = [.. batch.OrderBy(frame => frame.Item1)];   // long runs of the fast loop
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



    /// <summary>Trunk traffic: mostly C-tagged in VLAN 10 or 20 (some priority-tagged), some untagged, some of the agreement's odd frames.</summary>
    private static byte[] TaggedFrame(Random random, MacAddress[] hosts, int id)
    {
        int form = random.Next(10);
        if (form == 0)
        {
            return AgreementFrame(random, hosts, id);
        }
        var payload = new byte[random.Next(46, 120)];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)id);
        var builder = new FrameBuilder().From(hosts[random.Next(hosts.Length)]).To(hosts[random.Next(hosts.Length)]).Payload(payload);
        if (form < 7)
        {
            builder.Tag(random.Next(2) == 0 ? 10 : 20, random.Next(8), dei: random.Next(4) == 0);
        }
        else if (form == 7)
        {
            builder.Tag(0, random.Next(8));
        }
        return builder.Build();
    }

    /// <summary>
    /// Mostly RandomizedInvariantTests' traffic; one frame in eight is a form the fast loop must leave
    /// to the general path or finish out of line (a length field, tags it does not read, a VID of 4095,
    /// a truncated tag, an oversized frame, a host never seen, a frame to its own sender).
    /// </summary>
    private static byte[] AgreementFrame(Random random, MacAddress[] hosts, int id)
    {
        if (random.Next(8) != 0)
        {
            return RandomizedInvariantTests.RandomFrame(random, hosts, id);
        }
        MacAddress source = hosts[random.Next(hosts.Length)];
        MacAddress destination = hosts[random.Next(hosts.Length)];
        var payload = new byte[random.Next(46, 120)];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)id);
        var builder = new FrameBuilder().From(source).To(destination).Payload(payload);
        switch (random.Next(8))
        {
            case 0: builder.EtherType((ushort)payload.Length); break;   // 802.3: a length field
            case 1: builder.Tag(10).EtherType((ushort)payload.Length); break;
            case 2: builder.Tag(10).Tag(20); break;
            case 3: builder.Tag(0xFFF); break;
            case 4: return new FrameBuilder().From(source).To(destination).Tag(10).Build()[..(EthernetReader.HeaderSize + random.Next(4))];   // a truncated tag
            case 5: builder.Payload(new byte[1600]); break;   // over the default max-frame-size
            case 6: builder.From(new MacAddress(0x06_00_00_00_00_00UL | (uint)id)); break;   // a new host (learning limits too)
            default: builder.To(source); break;   // to itself
        }
        return builder.Build();
    }

    // Some ports trust no tag and have a default priority, so classification differs by port.
    private static BridgeConfig WithQos(BridgeConfig config, Random random) => config with
    {
        Ports = [.. config.Ports.Select(port => random.Next(3) == 0
            ? port with { Qos = port.Qos with { Trust = QosTrust.None, DefaultPriority = random.Next(8) } }
            : port)],
    };
}
