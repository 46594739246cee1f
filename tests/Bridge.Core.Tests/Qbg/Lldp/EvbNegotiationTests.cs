// EvbNegotiation: each side, fed the other's captured TLVs, answers with the TLVs lldpad sent; relay
// follows RRCAP, RRREQ and the neighbour's presence; timers are max(local, remote).
using Hairpin.Bridge.Core.Qbg.Lldp;
using static Hairpin.Bridge.Core.Tests.Qbg.Lldp.LldpSamples;

namespace Hairpin.Bridge.Core.Tests.Qbg.Lldp;

public class EvbNegotiationTests
{
    [Fact]
    public void BridgeAnswersTheCapturedStationWithTheCapturedBytes()
    {
        EvbNegotiation bridge = BridgeEvb();
        Assert.Equal(BridgeOffer, Hex(bridge.Local));
        Assert.False(bridge.ReflectiveRelay);

        Assert.True(bridge.OnRemote(Evb(StationRequest)));
        Assert.Equal(BridgeGrant, Hex(bridge.Local));
        Assert.True(bridge.ReflectiveRelay);

        Assert.True(bridge.OnRemote(Evb(StationEnabled)));
        Assert.Equal(BridgeSteady, Hex(bridge.Local));
        Assert.True(bridge.ReflectiveRelay);
    }

    [Fact]
    public void StationAnswersTheCapturedBridgeWithTheCapturedBytes()
    {
        EvbNegotiation station = StationEvb();
        Assert.Equal(StationRequest, Hex(station.Local));
        Assert.False(station.ReflectiveRelay);

        Assert.True(station.OnRemote(Evb(BridgeGrant)));
        Assert.Equal(StationEnabled, Hex(station.Local));
        Assert.True(station.ReflectiveRelay);

        Assert.False(station.OnRemote(Evb(BridgeSteady)));
        Assert.Equal(StationEnabled, Hex(station.Local));
    }

    [Fact]
    public void StationHearingABridgeWithoutRelayReportsNotEnabled()
    {
        EvbNegotiation station = StationEvb();

        station.OnRemote(Evb(BridgeOffer));   // RRCAP but no RRCTR yet

        Assert.Equal(ReflectiveRelayStatus.NotEnabled, station.Local.Rrstat);
        Assert.True(station.Local.Rrcap);
        Assert.False(station.ReflectiveRelay);
    }

    [Fact]
    public void GroupIdsFollowTheCapture()
    {
        EvbNegotiation station = StationEvb(new EvbSettings { GroupIds = true });
        station.OnRemote(Evb(BridgeSteady));
        Assert.Equal(StationGroupIds, Hex(station.Local));

        EvbNegotiation bridge = BridgeEvb(new EvbSettings { GroupIds = true });
        bridge.OnRemote(Evb(StationGroupIds));
        Assert.Equal(BridgeGroupIds, Hex(bridge.Local));

        station.OnRemote(Evb(BridgeGroupIds));
        Assert.Equal(StationGroupIdsSteady, Hex(station.Local));
    }

    [Fact]
    public void BridgeWithoutRelayCapabilityNeverGrants()
    {
        EvbNegotiation bridge = BridgeEvb(new EvbSettings { ReflectiveRelay = false });

        bridge.OnRemote(Evb(StationRequest));

        Assert.False(bridge.Local.Rrcap);
        Assert.False(bridge.Local.Rrctr);
        Assert.True(bridge.Local.Rrreq);   // the request is still echoed
        Assert.False(bridge.ReflectiveRelay);
    }

    [Fact]
    public void BridgeWithdrawsRelayWhenTheStationStopsRequesting()
    {
        EvbNegotiation bridge = BridgeEvb();
        bridge.OnRemote(Evb(StationEnabled));
        Assert.True(bridge.ReflectiveRelay);

        Assert.True(bridge.OnRemote(Evb(StationEnabled) with { Rrreq = false }));

        Assert.False(bridge.ReflectiveRelay);
        Assert.False(bridge.Local.Rrctr);
        Assert.Equal("0201687434", Hex(bridge.Local));
    }

    [Fact]
    public void StationThatStopsRequestingStillFollowsTheBridge()
    {
        EvbNegotiation station = StationEvb();
        station.OnRemote(Evb(BridgeSteady));

        Assert.True(station.Reconfigure(new EvbSettings { ReflectiveRelay = false }));
        Assert.False(station.Local.Rrreq);
        Assert.True(station.ReflectiveRelay);   // until the bridge withdraws RRCTR

        station.OnRemote(Evb(BridgeSteady) with { Rrctr = false });
        Assert.False(station.ReflectiveRelay);
        Assert.Equal(ReflectiveRelayStatus.NotEnabled, station.Local.Rrstat);
    }

    [Fact]
    public void LosingTheNeighbourTurnsRelayOffAndRestoresLocalTimers()
    {
        EvbNegotiation bridge = BridgeEvb();
        bridge.OnRemote(Evb(StationEnabled) with { Rte = 14, Rka = 25 });
        Assert.Equal(new EvbTimers(3, 14, 20, 25), bridge.Operational);

        Assert.True(bridge.OnRemote(null));

        Assert.False(bridge.ReflectiveRelay);
        Assert.Null(bridge.Remote);
        Assert.Equal(EvbTimers.LldpadDefaults, bridge.Operational);
        Assert.Equal(BridgeOffer, Hex(bridge.Local));
    }

    [Fact]
    public void StationThatLosesTheBridgeGoesBackToUnknown()
    {
        EvbNegotiation station = StationEvb();
        station.OnRemote(Evb(BridgeSteady));

        station.OnRemote(null);

        Assert.False(station.ReflectiveRelay);
        Assert.Equal(StationRequest, Hex(station.Local));
    }

    [Fact]
    public void OperationalTimersAreTheLargerOfEachFieldAndRolSaysWhoseWasUsed()
    {
        EvbNegotiation station = StationEvb(new EvbSettings { Timers = new EvbTimers(3, 8, 20, 20) });

        station.OnRemote(Evb(BridgeSteady) with { R = 5, Rte = 6, Rwd = 22, Rka = 14 });

        Assert.Equal(new EvbTimers(5, 8, 22, 20), station.Operational);
        Assert.Equal(new EvbTimers(5, 8, 22, 20), station.Local.Timers);
        Assert.True(station.Local.RwdRol);    // 22 is the bridge's
        Assert.False(station.Local.RkaRol);   // 20 is ours
        Assert.Equal(TimeSpan.FromMicroseconds(2560), station.Operational.RetransmitTimeout);
    }

    [Fact]
    public void SameRemoteTlvAgainChangesNothing()
    {
        EvbNegotiation bridge = BridgeEvb();
        Assert.True(bridge.OnRemote(Evb(StationEnabled)));

        Assert.False(bridge.OnRemote(Evb(StationEnabled)));
        Assert.False(bridge.Reconfigure(new EvbSettings()));
    }

    [Fact]
    public void RoleIsBridgeOrStation()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EvbNegotiation(EvbMode.None, new EvbSettings()));
    }
}
