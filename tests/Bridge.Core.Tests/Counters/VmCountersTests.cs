// Per-VM counters by (port, VLAN, MAC) (`vm_counters`, HostTrafficTable): a VM's frames are counted
// received on its port and VLAN (and dropped when the bridge dropped them), unicast copies to it
// counted sent; hosts beyond the limit share the overflow bucket; idle hosts age out with the FDB's
// ageing time; off, nothing is counted; on, nothing is allocated per frame.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Counters;

public sealed class VmCountersTests
{
    private static readonly MacAddress A = MacAddress.Parse("52:54:00:00:00:0a");
    private static readonly MacAddress B = MacAddress.Parse("52:54:00:00:00:0b");
    private static readonly MacAddress C = MacAddress.Parse("52:54:00:00:00:0c");

    private static BridgeHarness Bridge(int vmCounters, bool hairpinOnFirst = false) => new(new BridgeConfig
    {
        VmCounters = vmCounters,
        Ports =
        [
            new PortConfig { Name = "p0", Hairpin = hairpinOnFirst },
            new PortConfig { Name = "p1" },
            new PortConfig { Name = "p2", Vlans = PortVlans.Access(20) },
        ],
    });

    private static byte[] Frame(MacAddress from, MacAddress to, int payload = 46) => new FrameBuilder().From(from).To(to).Payload(new byte[payload]).Build();

    private static HostTraffic Of(BridgeHarness harness, int port, MacAddress mac) =>
        harness.Engine.VmTraffic().Single(host => host.Port == port && host.Mac == mac);

    [Fact]
    public void AVmsFramesAreCountedReceivedOnItsPortAndVlanAndUnicastToItSent()
    {
        var harness = Bridge(vmCounters: 16);
        harness.Send(1, Frame(B, A));   // B learned on p1
        harness.DrainEgress();
        byte[] toB = Frame(A, B);

        harness.Send([(0, toB), (0, toB), (0, toB), (0, Frame(A, MacAddress.Broadcast))]);
        harness.DrainEgress();

        HostTraffic a = Of(harness, 0, A);
        Assert.Equal((1, 4L, 1L, 0L), (a.Vid, a.RxFrames, a.TxFrames, a.Dropped));   // sent: B's first frame, flooded to A's port while A was unknown
        Assert.Equal(3L * toB.Length + Frame(A, MacAddress.Broadcast).Length, a.RxBytes);
        HostTraffic b = Of(harness, 1, B);
        Assert.Equal((1L, 3L, 3L * toB.Length), (b.RxFrames, b.TxFrames, b.TxBytes));   // the broadcast is no one VM's
    }

    [Fact]
    public void AFrameTheBridgeDroppedCountsAsDroppedForItsSender()
    {
        var harness = Bridge(vmCounters: 16);
        harness.Send(0, Frame(B, A));   // B learned on p0, reflective relay off there
        harness.DrainEgress();

        harness.Send(0, Frame(A, B));

        HostTraffic a = Of(harness, 0, A);
        Assert.Equal((1L, 1L), (a.RxFrames, a.Dropped));
        Assert.Equal(1, harness.Engine.Counters(0).DroppedFor(DropReason.ReflectiveRelayOff));
    }

    [Fact]
    public void HostsBeyondTheLimitShareTheOverflowBucket()
    {
        var harness = Bridge(vmCounters: 2);

        harness.Send([(0, Frame(A, MacAddress.Broadcast)), (1, Frame(B, MacAddress.Broadcast)), (2, Frame(C, MacAddress.Broadcast)), (2, Frame(C, MacAddress.Broadcast))]);

        List<HostTraffic> hosts = harness.Engine.VmTraffic();
        Assert.Equal(3, hosts.Count);
        HostTraffic overflow = hosts.Single(host => host.Port < 0);
        Assert.Equal(2, overflow.RxFrames);
        Assert.Equal([A, B], hosts.Where(host => host.Port >= 0).Select(host => host.Mac).OrderBy(mac => mac.Value));   // the first two found room; C did not
    }

    [Fact]
    public void IdleHostsAgeOutWithTheFdbAndTheOthersStayFindable()
    {
        var table = new HostTrafficTable(capacity: 256);
        var expected = new Dictionary<(int, int, ulong), long>();
        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            int port = random.Next(4);
            var mac = new MacAddress(0x02_00_00_00_00_00UL | (uint)random.Next(100));
            uint second = (uint)(i < 100 ? 10 : 50);
            table.Received(port, 1, mac, 64, dropped: false, second);
            expected[(port, 1, mac.Value)] = expected.GetValueOrDefault((port, 1, mac.Value)) + 1;
        }
        List<HostTraffic> before = table.Snapshot();

        int removed = table.AgeOut(now: 60, idleSeconds: 30);

        List<HostTraffic> after = table.Snapshot();
        Assert.Equal(before.Count - removed, after.Count);
        Assert.True(removed > 0);
        foreach (HostTraffic host in after)
        {
            Assert.Equal(expected[(host.Port, host.Vid, host.Mac.Value)], host.RxFrames);
            table.Received(host.Port, host.Vid, host.Mac, 64, dropped: false, 61);   // found again, not inserted twice
        }
        Assert.Equal(after.Count, table.Count);
        Assert.Equal(after.Count, table.Snapshot().Count);
    }

    [Fact]
    public void OffNothingIsCountedAndChangingTheLimitStartsAfresh()
    {
        var harness = Bridge(vmCounters: 0);
        harness.Send(0, Frame(A, MacAddress.Broadcast));
        Assert.Empty(harness.Engine.VmTraffic());

        harness.Engine.Publish(harness.Engine.Config with { VmCounters = 8 });
        harness.Send(0, Frame(A, MacAddress.Broadcast));

        Assert.Equal(1, Of(harness, 0, A).RxFrames);
        Assert.Equal(8, harness.Engine.VmCountersLimit);
    }

    [Fact]
    public void CountingVmsAllocatesNothingPerFrame()
    {
        var harness = Bridge(vmCounters: 64);
        harness.Send(1, Frame(B, A));
        harness.DrainEgress();
        byte[][] frames = [.. Enumerable.Range(0, 64).Select(i => Frame(new MacAddress(0x02_00_00_00_01_00UL | (uint)i), i % 2 == 0 ? B : MacAddress.Broadcast))];
        int[] ports = [.. Enumerable.Repeat(0, 64)];
        var batch = new FrameBuffer[64];
        harness.SendRecycled(frames, ports, batch, rounds: 100);   // warm-up: the JIT's tiering and first calls are one-time costs

        long allocated = AllocationProbe.LeastOf(3, () => harness.SendRecycled(frames, ports, batch, rounds: 50));

        Assert.Equal(0, allocated);
        Assert.Equal(250, Of(harness, 0, new MacAddress(0x02_00_00_00_01_00UL)).RxFrames);
    }
}
