// The station role against the bridge role, both whole (LLDP + ECP + VDP) on one cable and a manual
// clock: relay negotiated, associations as a libvirt host sees them, minutes of keep-alives, and what a
// deaf, silent or departing bridge leaves the station with.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Ecp;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Infrastructure.VdpTestKit;

namespace Hairpin.Bridge.Core.Tests.Qbg;

public class EvbStationPortTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private static readonly MacAddress StationMac = MacAddress.Parse("02:00:00:00:5a:01");
    private static readonly MacAddress BridgeMac = MacAddress.Parse("02:00:00:00:b0:01");

    private static EvbWire Wire(EvbSettings? station = null, EvbSettings? bridge = null) =>
        new(new EvbStationPort(StationMac, station ?? new EvbSettings()), new EvbBridgePort(BridgeMac, bridge ?? new EvbSettings(), TypeTable()));

    private static StationVsi StationSide(EvbWire wire) => Assert.Single(wire.Station.Vdp.Vsis);

    [Fact]
    public void ReflectiveRelayIsNegotiatedAtBothEnds()
    {
        EvbWire wire = Wire();

        wire.RunFor(5 * Second);

        Assert.True(wire.Station.ReflectiveRelay);
        Assert.True(wire.Bridge.ReflectiveRelay);
        EvbTlv sent = wire.Station.Link.Evb.Local;
        Assert.True(sent.Rrreq);
        Assert.Equal(ReflectiveRelayStatus.Enabled, sent.Rrstat);
        Assert.Equal(EvbMode.Station, sent.Mode);
        Assert.True(wire.Bridge.Link.Lldp.Neighbor?.Evb?.Rrreq);
    }

    [Fact]
    public void VdpRequestsWaitUntilTheBridgesEvbTlvIsHeard()
    {
        EvbWire wire = Wire();
        wire.BridgeUp = false;
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1));

        wire.RunFor(60 * Second);

        Assert.False(wire.Station.BridgeHeard);
        Assert.Empty(wire.Sent(fromStation: true, EtherTypes.Ecp));
        Assert.NotEmpty(wire.Sent(fromStation: true, EtherTypes.Lldp));
        Assert.Equal(StationVsiState.Pending, StationSide(wire).State);

        wire.BridgeUp = true;
        wire.RunFor(2 * Second);

        TimeSpan firstBridgeLldp = wire.Sent(fromStation: false, EtherTypes.Lldp)[0].At;
        Assert.True(wire.Sent(fromStation: true, EtherTypes.Ecp)[0].At >= firstBridgeLldp);
        Assert.Equal(StationVsiState.Associated, StationSide(wire).State);
    }

    [Fact]
    public void AssociationWithVidZeroGetsTheBridgePolicysVid()
    {
        EvbWire wire = Wire();
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1));

        wire.RunFor(2 * Second);

        StationVsi vsi = StationSide(wire);
        Assert.Equal(StationVsiState.Associated, vsi.State);
        Assert.Equal(10, vsi.Vid);
        Assert.Equal("", vsi.Reason);
        Assert.True(wire.Bridge.Vdp.TryGet(Uuid1, out VsiRecord? record));
        Assert.Equal(VsiState.Associated, record.State);
        Assert.Equal(10, Assert.Single(record.Filters).Vid);
        Assert.Equal(VsiDecisionKind.Associated, Assert.Single(wire.Decisions).Kind);
    }

    [Fact]
    public void RefusalShowsTheBridgesReason()
    {
        EvbWire wire = Wire();
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1, typeId: 43));

        wire.RunFor(2 * Second);

        StationVsi vsi = StationSide(wire);
        Assert.Equal(StationVsiState.Refused, vsi.State);
        Assert.Equal(VdpError.OtherFailure, vsi.LastStatus.Error);
        Assert.Equal("refused by the bridge: other failure", vsi.Reason);
        Assert.Equal(0, vsi.Vid);
        Assert.Empty(wire.Bridge.Vdp.Vsis);
        Assert.Equal(VsiDecisionKind.Refused, Assert.Single(wire.Decisions).Kind);
    }

    [Fact]
    public void KeepAlivesHoldTheAssociationForMinutes()
    {
        EvbWire wire = Wire();
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1));

        wire.RunFor(5 * 60 * Second);

        Assert.Equal(VsiDecisionKind.Associated, Assert.Single(wire.Decisions).Kind);   // never expired, never changed
        Assert.Equal(StationVsiState.Associated, StationSide(wire).State);
        Assert.True(wire.Bridge.Vdp.TryGet(Uuid1, out VsiRecord? record));
        Assert.True(wire.Now - record.LastKeepAlive <= wire.Station.Vdp.KeepAliveInterval);
        // Associated within the first second, then one keep-alive every 10.49 s: 28 in five minutes.
        Assert.Equal(28, wire.Bridge.Vdp.Counters.KeepAlives);
        Assert.Equal(29, wire.Station.Vdp.Counters.Sent);
        Assert.Equal(0, wire.Station.Vdp.Counters.Timeouts);
        Assert.Equal(0, wire.Station.Link.Ecp.Counters.TxGivenUp);
    }

    [Fact]
    public void StationDeassociateRemovesTheVsiOnTheBridgeAtOnce()
    {
        EvbWire wire = Wire();
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1));
        wire.RunFor(30 * Second);

        Assert.True(wire.Station.Vdp.Deassociate(Uuid1));
        wire.Step();

        Assert.Empty(wire.Bridge.Vdp.Vsis);
        Assert.Equal(VsiDecisionKind.Deassociated, wire.Decisions[^1].Kind);
        Assert.Empty(wire.Station.Vdp.Vsis);
        // The De-Associate named the VID the bridge had assigned, as lldpad requires.
        VdpMessage deassociate = Parse(wire.LastVdp(fromStation: true));
        Assert.Equal(VdpRequest.DeAssociate, deassociate.Vsis[0].Type);
        Assert.Equal(10, deassociate.Vsis[0].Filters[0].Vid);
    }

    [Fact]
    public void BridgeDeafToEcpTimesTheRequestOutAtOnceButAsksAgainOnlyAfterTheResponseWait()
    {
        EvbWire wire = Wire();
        wire.Lose = (frame, fromStation) => !fromStation && IsEcp(frame);   // no ACK, no answer ever arrives
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1));

        wire.RunFor(Second);

        StationVsi vsi = StationSide(wire);
        Assert.Equal(StationVsiState.TimedOut, vsi.State);
        Assert.Equal("not acknowledged by the bridge (ECP gave up)", vsi.Reason);
        Assert.Equal(1, wire.Station.Vdp.Counters.Sent);

        wire.RunFor(40 * Second);

        // Resent at 15.76 s and 31.52 s (the response wait), not every time ECP gives up.
        Assert.Equal(3, wire.Station.Vdp.Counters.Sent);
        Assert.Equal(3, wire.Station.Link.Ecp.Counters.TxGivenUp);
        Assert.Equal(StationVsiState.TimedOut, StationSide(wire).State);

        wire.Lose = null;
        wire.RunFor(16 * Second);

        Assert.Equal(StationVsiState.Associated, StationSide(wire).State);
        Assert.Equal(10, StationSide(wire).Vid);
    }

    [Fact]
    public void SilentBridgeIsForgottenWithItsTtlAndTheVsiWaitsForTheNextBridge()
    {
        EvbWire wire = Wire();
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1));
        wire.RunFor(5 * Second);
        Assert.Equal(StationVsiState.Associated, StationSide(wire).State);

        wire.BridgeUp = false;
        wire.RunFor(20 * Second);
        Assert.Equal(StationVsiState.TimedOut, StationSide(wire).State);   // the keep-alive at 10.49 s went unacknowledged

        wire.RunFor(110 * Second);   // past the bridge's TTL of 120 s
        Assert.False(wire.Station.BridgeHeard);
        Assert.False(wire.Station.ReflectiveRelay);
        StationVsi waiting = StationSide(wire);
        Assert.Equal(StationVsiState.Pending, waiting.State);
        Assert.Equal(0, waiting.Vid);
        int requests = wire.Sent(fromStation: true, EtherTypes.Ecp).Count;

        wire.RunFor(60 * Second);
        Assert.Equal(requests, wire.Sent(fromStation: true, EtherTypes.Ecp).Count);   // nothing asked of nobody

        wire.BridgeUp = true;
        wire.RunFor(2 * Second);
        Assert.Equal(StationVsiState.Associated, StationSide(wire).State);
        Assert.Equal(10, StationSide(wire).Vid);
        Assert.True(wire.Station.ReflectiveRelay);
    }

    [Fact]
    public void BridgeGoodbyeEndsTheAssociationAtOnce()
    {
        EvbWire wire = Wire();
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1));
        wire.RunFor(5 * Second);

        var transmit = new List<byte[]>();
        wire.Station.Receive(wire.Bridge.Link.Shutdown(), wire.Now, transmit);

        Assert.False(wire.Station.BridgeHeard);
        Assert.Equal(StationVsiState.Pending, StationSide(wire).State);
        Assert.DoesNotContain(transmit, frame => IsEcp(frame));
    }

    [Fact]
    public void StationGoodbyeAfterDeassociatingLeavesTheBridgeWithNothing()
    {
        EvbWire wire = Wire();
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1));
        wire.RunFor(5 * Second);
        wire.Station.Vdp.Deassociate(Uuid1);
        wire.Step();

        wire.Bridge.Receive(wire.Station.Shutdown(), wire.Now, [], wire.Decisions);

        Assert.Null(wire.Bridge.Link.Lldp.Neighbor);
        Assert.False(wire.Bridge.ReflectiveRelay);
        Assert.Empty(wire.Bridge.Vdp.Vsis);
        Assert.Equal(TimeSpan.MaxValue, wire.Station.Link.Lldp.NextDeadline);
    }

    [Fact]
    public void KeepAliveAndResponseWaitFollowTheLargerTimersOfBothEnds()
    {
        EvbWire wire = Wire(bridge: new EvbSettings { Timers = new EvbTimers(R: 3, Rte: 8, Rwd: 22, Rka: 21) });

        wire.RunFor(3 * Second);

        Assert.Equal(VdpTimers.KeepAliveInterval(21), wire.Station.Vdp.KeepAliveInterval);
        Assert.Equal(VdpTimers.ResponseWait(3, 8, 22), wire.Station.Vdp.ResponseWait);
        Assert.Equal(VdpTimers.KeepAliveWindow(21), wire.Bridge.Vdp.KeepAliveWindow);
    }

    [Fact]
    public void NextDeadlineIgnoresVdpUntilTheBridgeIsHeard()
    {
        var station = new EvbStationPort(StationMac, new EvbSettings());
        station.Vdp.Associate(Spec(Uuid1, Mac1));
        var transmit = new List<byte[]>();

        station.Tick(TimeSpan.Zero, transmit);

        Assert.Equal(ControlFrame.NearestCustomerBridge, MacAddress.Read(Assert.Single(transmit)));   // LLDP only
        Assert.Equal(station.Link.NextDeadline, station.NextDeadline);   // the next LLDP, not the request due since 0
        Assert.Equal(TimeSpan.Zero, station.Vdp.NextDeadline);
    }

    private static bool IsEcp(byte[] frame) =>
        ControlFrame.TryRead(frame, out _, out ushort etherType, out _) && etherType == EtherTypes.Ecp;

    [Fact]
    public void AskingBothEndsForTheirNextDeadlineAllocatesNothing()
    {
        // The appliance asks between every two batches of frames, however busy: it must cost no garbage.
        EvbWire wire = Wire();
        wire.Station.Vdp.Associate(Spec(Uuid1, Mac1));
        wire.RunFor(5 * Second);
        Assert.NotEmpty(wire.Bridge.Vdp.Vsis);
        // A first round warms up: what the runtime allocates once (type loading, tiering the method up
        // while it runs) is not the per-call cost this promises; the second round measures that.
        TimeSpan sum = AskBothEnds(wire);

        long before = GC.GetAllocatedBytesForCurrentThread();
        sum += AskBothEnds(wire);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(TimeSpan.Zero, sum);
    }

    private static TimeSpan AskBothEnds(EvbWire wire)
    {
        TimeSpan sum = TimeSpan.Zero;
        for (int i = 0; i < 10_000; i++)
        {
            sum += wire.Bridge.NextDeadline + wire.Station.NextDeadline;
        }
        return sum;
    }
}
