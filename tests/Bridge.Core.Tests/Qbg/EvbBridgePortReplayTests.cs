// A request the bridge's policy deferred (a claim in a distant store under way), replayed by the host
// once the store has answered: the answer reaches the station over ECP like any other, with the same
// TLV the station sent, and the station holds the VSI as associated from then on.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Infrastructure.VdpTestKit;

namespace Hairpin.Bridge.Core.Tests.Qbg;

public class EvbBridgePortReplayTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly MacAddress StationMac = MacAddress.Parse("02:00:00:00:5a:01");
    private static readonly MacAddress BridgeMac = MacAddress.Parse("02:00:00:00:b0:01");

    private static EvbWire Wire(ClaimingPolicy policy) =>
        new(new EvbStationPort(StationMac, new EvbSettings()), new EvbBridgePort(BridgeMac, new EvbSettings(), policy));

    [Fact]
    public void ADeferredAssociationReplayedIsAnsweredWithTheSameTlvAndTheStationSeesItAssociated()
    {
        var policy = new ClaimingPolicy(10);
        EvbWire wire = Wire(policy);
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1));
        wire.RunFor(2 * Second);

        VsiDecision deferred = Assert.Single(wire.Decisions);
        Assert.Equal(VsiDecisionKind.Deferred, deferred.Kind);
        Assert.Equal(StationVsiState.Pending, Assert.Single(wire.Station.Vdp.Vsis).State);
        Assert.Empty(wire.LastVdp(fromStation: false));   // ECP acknowledged the request; VDP has not answered
        Assert.Empty(wire.Bridge.Vdp.Vsis);
        Assert.Equal(0, wire.Bridge.VdpDropped);

        policy.Grant(Uuid1);   // the claim is won
        Assert.True(wire.ReplayAtBridge(deferred.Request!));

        VsiTlv asked = Assert.Single(Parse(wire.LastVdp(fromStation: true)).Vsis);
        VdpMessage answer = Parse(wire.LastVdp(fromStation: false));
        Assert.Equal(Manager, answer.ManagerId);
        AssertSameTlv(asked with { Status = VdpStatus.Response(VdpError.None), Filters = [VdpFilter.ForMac(Mac1, 10)] }, Assert.Single(answer.Vsis));
        StationVsi station = Assert.Single(wire.Station.Vdp.Vsis);
        Assert.Equal((StationVsiState.Associated, 10), (station.State, station.Vid));
        Assert.Equal(VsiDecisionKind.Associated, wire.Decisions[^1].Kind);

        wire.RunFor(60 * Second);   // keep-alives from here on: no more decisions, no more questions
        Assert.Equal(2, wire.Decisions.Count);
        Assert.Equal(2, policy.Asked.Count);
        Assert.True(wire.Bridge.Vdp.Counters.KeepAlives > 0);
        Assert.Equal(StationVsiState.Associated, Assert.Single(wire.Station.Vdp.Vsis).State);
    }

    [Fact]
    public void AReplayAfterTheStationIsGoneDoesNothing()
    {
        var policy = new ClaimingPolicy(10);
        EvbWire wire = Wire(policy);
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1));
        wire.RunFor(2 * Second);
        VsiDecision deferred = Assert.Single(wire.Decisions);

        wire.StationUp = false;
        wire.RunFor(200 * Second);   // the station's LLDP ages out on the bridge
        Assert.False(wire.Bridge.Link.EvbNeighbor);
        policy.Grant(Uuid1);

        Assert.False(wire.ReplayAtBridge(deferred.Request!));
        Assert.Empty(wire.Bridge.Vdp.Vsis);
        Assert.Equal(0, wire.Bridge.Vdp.Counters.Replayed);
    }
}
