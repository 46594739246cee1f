// A VSI's counters restored from the store (an appliance restarting, a VM arriving with its history):
// the restored counts and what the engine counts afterwards add up exactly, whether the VSI is bound
// in the running plan, was bound and counted already, or is bound only by a later publish.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class VsiCounterRestoreTests
{
    private const int EvbPort = 0;
    private const int UplinkPort = 1;
    private static readonly MacAddress VmA = MacAddress.Parse("52:54:00:8e:aa:11");
    private static readonly MacAddress Remote = MacAddress.Parse("02:00:00:00:0c:01");

    // What an appliance counted for vm-a before it stopped.
    private static readonly VsiCountersSnapshot Segment = new(
        1_000, 512_000, 900, 460_800,
        new Dictionary<DropReason, long> { [DropReason.AclDenied] = 4, [DropReason.ReflectiveRelayOff] = 2 },
        new Dictionary<DropReason, long> { [DropReason.EgressQueueFull] = 3 },
        40, 4, 30, 1);

    private static BridgeConfig Config(params VsiBinding[] bindings) => new()
    {
        Ports =
        [
            new PortConfig { Name = "evb", Vlans = PortVlans.Trunk(VlanSet.Of(10)), Vsi = new VsiAdmission { Enforced = true, Bindings = bindings } },
            new PortConfig { Name = "uplink", Vlans = PortVlans.Trunk(VlanSet.Of(10)) },
        ],
    };

    private static byte[] Frame(MacAddress from, MacAddress to) =>
        new FrameBuilder().From(from).To(to).Tag(10).Ipv4Udp(0xA9FE0001, 0xA9FE0002, 5000, 5000).Build();

    /// <summary>Two frames from the VM, one to it, one from it dropped (it sends to itself, no reflection): the counts they make.</summary>
    private static VsiCountersSnapshot Traffic(BridgeHarness harness)
    {
        byte[] fromVm = Frame(VmA, Remote);
        byte[] toVm = Frame(Remote, VmA);
        byte[] toItself = Frame(VmA, VmA);
        harness.Send([(EvbPort, fromVm), (EvbPort, fromVm), (UplinkPort, toVm), (EvbPort, toItself)]);
        harness.DrainEgress();
        return new VsiCountersSnapshot(
            3, 2L * fromVm.Length + toItself.Length, 1, toVm.Length,
            new Dictionary<DropReason, long> { [DropReason.ReflectiveRelayOff] = 1 },
            new Dictionary<DropReason, long>(),
            0, 0, 0, 0);
    }

    [Fact]
    public void RestoredCountsPlusTrafficAfterwardsAreTheTotals()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10)));

        harness.Engine.RestoreVsiCounters("vm-a", Segment);
        VsiCountersSnapshot counted = Traffic(harness);

        VsiCountsAssert.Equal(Segment.Plus(counted), harness.Engine.VsiCounters("vm-a")!.Snapshot());
    }

    [Fact]
    public void RestoringIntoAVsiTheRunningPlanCountsIntoAddsToThoseCounters()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10)));
        VsiCountersSnapshot before = Traffic(harness);
        VsiCounters live = harness.Engine.VsiCounters("vm-a")!;

        harness.Engine.RestoreVsiCounters("vm-a", Segment);
        VsiCountersSnapshot after = Traffic(harness);

        Assert.Same(live, harness.Engine.VsiCounters("vm-a"));
        VsiCountsAssert.Equal(before.Plus(Segment).Plus(after), live.Snapshot());
    }

    [Fact]
    public void AVsiRestoredBeforeAnyPlanBindsItContinuesFromTheRestoredCountsOnceBound()
    {
        var harness = new BridgeHarness(Config());

        harness.Engine.RestoreVsiCounters("vm-a", Segment);
        VsiCounters restored = harness.Engine.VsiCounters("vm-a")!;
        VsiCountsAssert.Equal(Segment, restored.Snapshot());
        Assert.Equal("vm-a", Assert.Single(harness.Engine.AllVsiCounters()).Vsi);

        harness.Engine.Publish(Config(new VsiBinding("vm-a", VmA, 10)));
        VsiCountersSnapshot counted = Traffic(harness);   // the publish takes effect at this batch

        Assert.Same(restored, harness.Engine.VsiCounters("vm-a"));
        VsiCountsAssert.Equal(Segment.Plus(counted), restored.Snapshot());
    }

    [Fact]
    public void DamagedCountsAreRefusedAndChangeNothing()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10)));
        VsiCountersSnapshot before = Traffic(harness);
        VsiCountersSnapshot damaged = Segment with { Dropped = new Dictionary<DropReason, long> { [DropReason.AclDenied] = 1, [(DropReason)250] = 1 } };

        var error = Assert.Throws<ArgumentException>(() => harness.Engine.RestoreVsiCounters("vm-a", damaged));
        Assert.Throws<ArgumentException>(() => harness.Engine.RestoreVsiCounters("vm-new", Segment with { RxFrames = -1 }));

        Assert.Contains("drop reason 250 is unknown", error.Message, StringComparison.Ordinal);
        VsiCountsAssert.Equal(before, harness.Engine.VsiCounters("vm-a")!.Snapshot());
        Assert.Null(harness.Engine.VsiCounters("vm-new"));
    }
}
