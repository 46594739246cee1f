// Thousands of random frames through random port configurations, checking the invariants that must
// hold whatever the configuration: conservation, no reflection without hairpin, isolation, VLAN
// containment, at most one copy per port. A failure prints its seed; rerun that seed to reproduce.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class RandomizedInvariantTests
{
    private const int FramesPerRun = 6_000;
    private static readonly int[] Vids = [1, 10, 20];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20261121)]
    public void RandomTrafficThroughRandomPortsKeepsEveryInvariant(int seed)
    {
        var random = new Random(seed);
        BridgeConfig config = RandomConfig(random);
        var harness = new BridgeHarness(config, poolSize: 8192);
        var hosts = Enumerable.Range(1, 16).Select(i => new MacAddress(0x02_00_00_00_00_00UL | (uint)i)).ToArray();
        int sent = 0;
        int frameId = 0;
        var drained = new DrainTotals();
        while (sent < FramesPerRun)
        {
            if (random.Next(10) == 0)
            {
                config = Mutate(config, random);
                harness.Engine.Publish(config);
            }
            if (random.Next(20) == 0)
            {
                harness.Advance(TimeSpan.FromSeconds(random.Next(400)));
                harness.Engine.SweepFdb();
            }
            var batch = new List<(int, byte[])>();
            int batchSize = random.Next(1, 65);
            for (int i = 0; i < batchSize; i++)
            {
                batch.Add((random.Next(config.Ports.Count), RandomFrame(random, hosts, frameId++)));
            }
            // Ports come back only on the control path (RunProtectionTimers), never within a batch,
            // so a port down now stays down for the whole batch.
            ulong downForWholeBatch = DownPorts(harness, config);
            harness.Send(batch);
            sent += batchSize;
            CheckBatch(harness, config, seed, sent, drained, downForWholeBatch);
        }
        Assert.Equal(harness.Pool.TotalCount, harness.Pool.AvailableCount);
        // The run must have exercised what it checks, or it proves nothing.
        Assert.True(drained.Reflected > 0, $"seed {seed}: no frame was ever reflected");
        Assert.True(drained.Delivered > FramesPerRun / 10, $"seed {seed}: only {drained.Delivered} copies delivered; drops: {TopDrops(harness, config)}");
        Assert.True(drained.Trapped > 0, $"seed {seed}: nothing was trapped");
        Assert.True(ErrorDisabledEver(harness, config), $"seed {seed}: BPDU guard never fired");
    }

    private sealed class DrainTotals
    {
        public long Delivered;
        public long Trapped;
        public long Reflected;
    }

    private static string TopDrops(BridgeHarness harness, BridgeConfig config) => string.Join(", ",
        Enum.GetValues<DropReason>()
            .Select(reason => (reason, count: Enumerable.Range(0, config.Ports.Count).Sum(p => harness.Engine.Counters(p).DroppedFor(reason))))
            .Where(x => x.count > 0).OrderByDescending(x => x.count).Take(6).Select(x => $"{DropReasons.Name(x.reason)} {x.count}"));

    private static bool ErrorDisabledEver(BridgeHarness harness, BridgeConfig config) =>
        Enumerable.Range(0, config.Ports.Count).Any(port => harness.Engine.Counters(port).ErrorDisabled > 0);

    private static ulong DownPorts(BridgeHarness harness, BridgeConfig config)
    {
        ulong down = 0;
        for (int port = 0; port < config.Ports.Count; port++)
        {
            down |= harness.Engine.Status(port).IsErrorDisabled ? 1UL << port : 0;
        }
        return down;
    }

    private static void CheckBatch(BridgeHarness harness, BridgeConfig config, int seed, int sent, DrainTotals drained, ulong downForWholeBatch)
    {
        string where = $"seed {seed}, after {sent} frames";
        List<Delivered> delivered = harness.DrainEgress();
        List<Delivered> trapped = harness.DrainControlPlane();
        drained.Delivered += delivered.Count;
        drained.Trapped += trapped.Count;
        drained.Reflected += delivered.Count(copy => copy.Port == copy.IngressPort);
        var copiesPerPortAndFrame = new HashSet<(int Port, uint Id)>();
        foreach (Delivered copy in delivered)
        {
            PortConfig ingress = config.Ports[copy.IngressPort];
            PortConfig egress = config.Ports[copy.Port];
            Assert.True(copy.Port != copy.IngressPort || egress.Hairpin, $"{where}: frame left by its ingress port {egress.Name}, which has hairpin off");
            Assert.False(ingress.Isolated && egress.Isolated, $"{where}: isolated {ingress.Name} delivered to isolated {egress.Name}");
            Assert.True(egress.Vlans.Members.Contains(copy.Vid), $"{where}: VLAN {copy.Vid} frame left by {egress.Name}, not a member");
            Assert.Equal(PortState.Forwarding, egress.State);
            Assert.True((downForWholeBatch & (1UL << copy.Port)) == 0, $"{where}: error-disabled {egress.Name} was sent a frame");
            Assert.True((downForWholeBatch & (1UL << copy.IngressPort)) == 0, $"{where}: error-disabled {ingress.Name} forwarded a frame");
            var header = new EthernetReader(copy.Bytes);
            bool tagged = header.OuterTagProtocol == EtherTypes.CustomerVlan;
            Assert.True(tagged != egress.Vlans.Untagged.Contains(copy.Vid), $"{where}: tag form wrong for VLAN {copy.Vid} on {egress.Name}");
            if (tagged)
            {
                Assert.Equal(copy.Vid, header.OuterVid);
            }
            Assert.True(copiesPerPortAndFrame.Add((copy.Port, FrameId(copy.Bytes))), $"{where}: two copies of one frame on {egress.Name}");
        }

        long received = 0, accountedFor = 0, tx = 0, trappedCount = 0;
        for (int port = 0; port < config.Ports.Count; port++)
        {
            PortCounters counters = harness.Engine.Counters(port);
            received += counters.RxFrames;
            accountedFor += counters.Forwarded + counters.Trapped + counters.DroppedTotal;
            tx += counters.TxFrames;
            trappedCount += counters.Trapped;
        }
        Assert.True(received == sent, $"{where}: {received} received of {sent} sent");
        Assert.True(received == accountedFor, $"{where}: received {received} != forwarded + trapped + dropped {accountedFor}");
        Assert.True(tx == drained.Delivered, $"{where}: counters say {tx} copies sent, the rings gave {drained.Delivered}");
        Assert.True(trappedCount == drained.Trapped, $"{where}: counters say {trappedCount} trapped, the control-plane ring gave {drained.Trapped}");
    }

    private static uint FrameId(byte[] frame)
    {
        var header = new EthernetReader(frame);
        return BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(header.PayloadOffset));
    }

    internal static BridgeConfig RandomConfig(Random random)
    {
        int count = random.Next(2, 9);
        var ports = new PortConfig[count];
        for (int i = 0; i < count; i++)
        {
            ports[i] = RandomPort(random, $"p{i}");
        }
        // Whatever the seed, two ports start forwarding and one reflects, so every invariant is exercised.
        ports[0] = ports[0] with { Hairpin = true, State = PortState.Forwarding };
        ports[1] = ports[1] with { State = PortState.Forwarding };
        return new BridgeConfig { Ports = ports, MaxLearned = random.Next(4, 40) };
    }

    private static PortConfig RandomPort(Random random, string name) => new()
    {
        Name = name,
        State = random.Next(8) switch { 0 => PortState.Blocking, 1 => PortState.Disabled, _ => PortState.Forwarding },
        Learning = random.Next(5) != 0,
        UnknownUnicastFlood = random.Next(4) != 0,
        MulticastFlood = random.Next(4) != 0,
        BroadcastFlood = random.Next(4) != 0,
        Isolated = random.Next(3) == 0,
        Hairpin = random.Next(2) == 0,
        BpduGuard = random.Next(4) != 0,   // on by default, off on a quarter (ports facing bridges)
        MaxLearned = random.Next(3) == 0 ? random.Next(1, 5) : 0,
        GroupForwardMask = random.Next(4) == 0 ? (ushort)0x4004 : (ushort)0,
        Vlans = random.Next(3) switch
        {
            0 => PortVlans.Access(Vids[random.Next(Vids.Length)]),
            1 => PortVlans.Trunk(VlanSet.Of(10, 20)),
            _ => PortVlans.Trunk(VlanSet.Of(10, 20), nativeVid: 1),
        },
    };

    internal static BridgeConfig Mutate(BridgeConfig config, Random random)
    {
        var ports = config.Ports.ToArray();
        int index = random.Next(ports.Length);
        ports[index] = random.Next(3) == 0
            ? RandomPort(random, ports[index].Name)
            : ports[index] with { Hairpin = !ports[index].Hairpin };
        return config with { Ports = ports };
    }

    internal static byte[] RandomFrame(Random random, MacAddress[] hosts, int id)
    {
        MacAddress source = random.Next(50) switch
        {
            0 => MacAddress.Zero,
            1 => new MacAddress(0x01_00_5E_00_00_01),
            _ => hosts[random.Next(hosts.Length)],
        };
        MacAddress destination = random.Next(10) switch
        {
            0 => MacAddress.Broadcast,
            1 => new MacAddress(0x01_00_5E_01_02_03),
            2 => new MacAddress(0x0180_C200_0000UL + (ulong)random.Next(16)),
            _ => hosts[random.Next(hosts.Length)],
        };
        if (random.Next(1000) == 0)
        {
            return new FrameBuilder().From(source).To("01:80:c2:00:00:00").StpBpdu().Build();   // trips BPDU guard
        }
        var builder = new FrameBuilder().From(source).To(destination);
        // Half untagged, as host traffic mostly is; the rest every tag form, hostile ones included.
        switch (random.Next(10))
        {
            case 0: builder.Tag(Vids[random.Next(Vids.Length)], random.Next(8)); break;
            case 1: builder.Tag(0, random.Next(8)); break;
            case 2: builder.Tag(30); break;
            case 3: builder.ServiceTag(100); break;
            default: break;
        }
        var payload = new byte[random.Next(46, 200)];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)id);
        return builder.Payload(payload).Build();
    }
}
