// An appliance that restarts puts back the VSIs it held: each is as fresh as a keep-alive, the
// station's next keep-alive refreshes it without the policy, silence lets it expire as usual, and a
// record the table cannot take is refused with the table untouched.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Infrastructure.VdpTestKit;

namespace Hairpin.Bridge.Core.Tests.Qbg.Vdp;

public class VdpBridgeRestoreTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Window = 30 * Second;

    /// <summary>What the appliance held before it stopped: associated long ago on VLAN 10, last refreshed then too.</summary>
    private static VsiRecord Held(VsiId id, MacAddress mac, int vid = 10) =>
        new(id, Manager, 42, 1, VdpRequest.Associate, default, VdpFilterFormat.MacVid, [VdpFilter.ForMac(mac, vid)], TimeSpan.FromHours(1), TimeSpan.FromHours(2));

    private static VdpBridge Bridge(IVsiPolicy policy, int maxVsis = VdpBridge.DefaultMaxVsis)
    {
        var bridge = new VdpBridge(policy, maxVsis);
        bridge.SetKeepAliveWindow(Window);
        return bridge;
    }

    [Fact]
    public void ARestoredVsiIsRefreshedByTheStationsKeepAliveWithoutThePolicy()
    {
        var policy = new FixedVlanPolicy(10);
        VdpBridge bridge = Bridge(policy);

        Assert.True(bridge.Restore(Held(Uuid1, Mac1), 5 * Second));
        Assert.True(bridge.TryGet(Uuid1, out VsiRecord? restored));
        Assert.Equal((5 * Second, 5 * Second), (restored.AssociatedAt, restored.LastKeepAlive));
        Assert.Equal([new VsiBinding(Uuid1.ToString(), Mac1, 10)], bridge.Bindings);

        // The station repeats what it asked (VID 0, left to the bridge) within the window.
        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), 20 * Second);

        Assert.Empty(answer.Decisions);
        Assert.Empty(policy.Asked);
        Assert.Equal((1, 1, 0), (bridge.Counters.KeepAlives, bridge.Counters.Restored, bridge.Counters.Accepted));
        VsiTlv answered = Assert.Single(answer.Response!.Vsis);
        Assert.Equal((0x40, 10), (answered.Status.Value, Assert.Single(answered.Filters).Vid));
        Assert.Empty(bridge.Tick(5 * Second + Window));   // the keep-alive at 20 s moved its expiry on
        Assert.True(bridge.TryGet(Uuid1, out VsiRecord? refreshed));
        Assert.Equal((20 * Second, 5 * Second), (refreshed.LastKeepAlive, refreshed.AssociatedAt));
    }

    [Fact]
    public void ARestoredVsiNoStationRefreshesExpiresAfterTheKeepAliveWindow()
    {
        VdpBridge bridge = Bridge(new FixedVlanPolicy(10));
        Assert.True(bridge.Restore(Held(Uuid1, Mac1), 5 * Second));

        Assert.Empty(bridge.Tick(5 * Second + Window - Second));
        Assert.Equal(5 * Second + Window, bridge.NextDeadline);
        VsiDecision expired = Assert.Single(bridge.Tick(5 * Second + Window));

        Assert.Equal((VsiDecisionKind.Expired, Uuid1), (expired.Kind, expired.Vsi.Id));
        Assert.Empty(bridge.Vsis);
        Assert.Equal(1, bridge.Counters.Expired);
    }

    [Fact]
    public void ARecordTheTableCannotTakeIsRefusedWithTheTableUntouched()
    {
        VdpBridge bridge = Bridge(new FixedVlanPolicy(10), maxVsis: 2);
        Assert.True(bridge.Restore(Held(Uuid1, Mac1), Second));

        Assert.False(bridge.Restore(Held(Uuid2, Mac1), Second, out string conflict));
        Assert.False(bridge.Restore(Held(Uuid1, Mac2), Second, out string again));
        Assert.False(bridge.Restore(Held(Uuid2, Mac2) with { Request = VdpRequest.DeAssociate }, Second, out string gone));
        Assert.False(bridge.Restore(Held(Uuid2, Mac2, vid: 0), Second, out string noVlan));
        Assert.True(bridge.Restore(Held(Uuid2, Mac2, vid: 20), Second));
        Assert.False(bridge.Restore(Held(Uuid3, Mac3), Second, out string full));

        Assert.Equal($"MAC {Mac1} on VLAN 10 is bound to VSI {Uuid1}", conflict);
        Assert.Equal($"the port already holds VSI {Uuid1}", again);
        Assert.Equal("a de-associated VSI is not held", gone);
        Assert.StartsWith("filter entry 0", noVlan, StringComparison.Ordinal);
        Assert.Equal("the port holds 2 VSIs, its limit", full);
        Assert.Equal(2, bridge.Vsis.Count);
        Assert.True(bridge.TryGet(Uuid1, out VsiRecord? first));
        Assert.True(bridge.TryGet(Uuid2, out VsiRecord? second));
        Assert.Equal((Mac1, 10, Mac2, 20), (first.Filters[0].Mac, first.Filters[0].Vid, second.Filters[0].Mac, second.Filters[0].Vid));
        Assert.Equal(2, bridge.Counters.Restored);
    }
}
