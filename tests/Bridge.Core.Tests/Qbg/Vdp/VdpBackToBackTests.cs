// A VdpStation and a VdpBridge port talking through encoded VDPDUs on a manual clock: minutes of
// protocol time, association to expiry, as a libvirt host would see them against this bridge.
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Infrastructure.VdpTestKit;

namespace Hairpin.Bridge.Core.Tests.Qbg.Vdp;

public class VdpBackToBackTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static VdpLink Link(IVsiPolicy? policy = null, int maxVsis = VdpBridge.DefaultMaxVsis) =>
        new(new VdpStation(), new VdpBridge(policy ?? TypeTable(), maxVsis));

    [Fact]
    public void AssociationWithVidZeroGetsThePolicysVlanOnBothSides()
    {
        VdpLink link = Link();
        link.Station.Associate(Spec(Uuid1, Mac1));
        long version = link.Station.Version;

        link.Step(TimeSpan.Zero);

        Assert.True(link.Station.TryGet(Uuid1, out StationVsi? vsi));
        Assert.Equal(StationVsiState.Associated, vsi.State);
        Assert.Equal(10, vsi.Vid);
        Assert.True(link.Station.Version > version);
        VsiDecision decision = Assert.Single(link.Decisions);
        Assert.Equal(VsiDecisionKind.Associated, decision.Kind);
        Assert.Equal(10, Assert.Single(decision.Vsi.Filters).Vid);
        Assert.Equal(0, Assert.Single(Assert.Single(link.Requests).Vsis[0].Filters).Vid);
    }

    [Fact]
    public void RefusedTypeCarriesTheStatusBitsAndTheStationShowsRefusedWithReason()
    {
        VdpLink link = Link();
        link.Station.Associate(Spec(Uuid1, Mac1, typeId: 43));

        link.Step(TimeSpan.Zero);

        Assert.Equal(0x44, Assert.Single(link.Answers).Vsis[0].Status.Value);
        StationVsi vsi = Assert.Single(link.Station.Vsis);
        Assert.Equal(StationVsiState.Refused, vsi.State);
        Assert.Equal(VdpError.OtherFailure, vsi.LastStatus.Error);
        Assert.Equal("refused by the bridge: other failure", vsi.Reason);
        Assert.Equal(0, vsi.Vid);
        Assert.Equal(VsiDecisionKind.Refused, Assert.Single(link.Decisions).Kind);
        Assert.Empty(link.Bridge.Vsis);
    }

    [Fact]
    public void KeepAlivesHoldTheVsiForManyWindows()
    {
        VdpLink link = Link();
        link.Station.Associate(Spec(Uuid1, Mac1));
        TimeSpan end = 5 * link.Bridge.KeepAliveWindow;

        link.RunUntil(end);

        Assert.Equal(VsiDecisionKind.Associated, Assert.Single(link.Decisions).Kind);   // no expiry, no change
        Assert.True(link.Bridge.TryGet(Uuid1, out VsiRecord? vsi));
        Assert.True(end - vsi.LastKeepAlive < link.Station.KeepAliveInterval + TimeSpan.FromTicks(1));
        Assert.Equal(TimeSpan.Zero, vsi.AssociatedAt);
        Assert.Equal(15, link.Bridge.Counters.KeepAlives);   // a window is three keep-alive periods: 5 x 3
        Assert.Equal(StationVsiState.Associated, Assert.Single(link.Station.Vsis).State);
    }

    [Fact]
    public void SilencedStationsVsiExpiresOneWindowAfterItsLastKeepAlive()
    {
        VdpLink link = Link();
        link.Station.Associate(Spec(Uuid1, Mac1));
        link.RunUntil(25 * Second);   // associated at 0, keep-alives at 10.49 and 20.97 s
        Assert.True(link.Bridge.TryGet(Uuid1, out VsiRecord? vsi));
        TimeSpan lastKeepAlive = vsi.LastKeepAlive;
        Assert.Equal(2 * link.Station.KeepAliveInterval, lastKeepAlive);

        link.StationSilenced = true;
        link.RunUntil(lastKeepAlive + link.Bridge.KeepAliveWindow - TimeSpan.FromTicks(1));
        Assert.Single(link.Bridge.Vsis);
        link.RunUntil(lastKeepAlive + link.Bridge.KeepAliveWindow);

        VsiDecision expired = link.Decisions[^1];
        Assert.Equal(VsiDecisionKind.Expired, expired.Kind);
        Assert.Empty(link.Bridge.Vsis);
        Assert.Equal(StationVsiState.TimedOut, Assert.Single(link.Station.Vsis).State);
    }

    [Fact]
    public void DeassociateRemovesTheVsiOnBothSides()
    {
        VdpLink link = Link();
        link.Station.Associate(Spec(Uuid1, Mac1));
        link.Step(TimeSpan.Zero);

        link.Station.Deassociate(Uuid1);
        link.Step(Second);

        Assert.Equal(VsiDecisionKind.Deassociated, link.Decisions[^1].Kind);
        Assert.Empty(link.Bridge.Vsis);
        Assert.Empty(link.Station.Vsis);
        Assert.Equal(10, link.Requests[^1].Vsis[0].Filters[0].Vid);
        Assert.Null(link.Bridge.NextDeadline);
    }

    [Fact]
    public void SameMacOnTwoVsisIsRefusedForTheSecond()
    {
        VdpLink link = Link();
        link.Station.Associate(Spec(Uuid1, Mac1));
        link.Station.Associate(Spec(Uuid2, Mac1));

        link.Step(TimeSpan.Zero);

        Assert.Equal([0x40, 0x45], link.Answers.Select(a => (int)a.Vsis[0].Status.Value).Order());
        Assert.Single(link.Bridge.Vsis);
        Assert.Single(link.Station.Vsis, v => v.State == StationVsiState.Associated);
        StationVsi refused = Assert.Single(link.Station.Vsis, v => v.State == StationVsiState.Refused);
        Assert.Contains("invalid VID, GroupID or MAC address", refused.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PortLimitRefusesTheVsiBeyondItForInsufficientResources()
    {
        VdpLink link = Link(new FixedVlanPolicy(10), maxVsis: 2);
        link.Station.Associate(Spec(Uuid1, Mac1));
        link.Station.Associate(Spec(Uuid2, Mac2));
        link.Station.Associate(Spec(Uuid3, Mac3));

        link.Step(TimeSpan.Zero);

        Assert.Equal(2, link.Bridge.Vsis.Count);
        StationVsi refused = Assert.Single(link.Station.Vsis, v => v.State == StationVsiState.Refused);
        Assert.Equal(VdpError.InsufficientResources, refused.LastStatus.Error);
    }

    [Fact]
    public void BridgeRemovalNoticeDeassociatesTheStationWhichComesBackAfterTheBackoff()
    {
        VdpLink link = Link();
        link.Station.Associate(Spec(Uuid1, Mac1));
        link.Step(TimeSpan.Zero);

        VsiDecision removed = link.Bridge.Remove(Uuid1)!;
        Assert.True(link.Station.Receive(VdpBridge.DeassociateNotice(removed.Vsi), Second));
        Assert.Equal(StationVsiState.Deassociated, Assert.Single(link.Station.Vsis).State);
        link.RunUntil(Second + VdpStation.DefaultRetryBackoff);

        Assert.Equal(StationVsiState.Associated, Assert.Single(link.Station.Vsis).State);
        Assert.Equal(VsiDecisionKind.Associated, link.Decisions[^1].Kind);
        Assert.Equal(Second + VdpStation.DefaultRetryBackoff, link.Decisions[^1].Vsi.AssociatedAt);
    }

    [Fact]
    public void BridgeBackFromAnOutageIsAskedAgainAfterTheResponseWait()
    {
        VdpLink link = Link();
        link.StationSilenced = true;
        link.Station.Associate(Spec(Uuid1, Mac1));
        link.Step(TimeSpan.Zero);
        link.StationSilenced = false;

        link.RunUntil(link.Station.ResponseWait);

        Assert.Equal(StationVsiState.Associated, Assert.Single(link.Station.Vsis).State);
        Assert.Equal(link.Station.ResponseWait, Assert.Single(link.Decisions).Vsi.AssociatedAt);
    }
}
