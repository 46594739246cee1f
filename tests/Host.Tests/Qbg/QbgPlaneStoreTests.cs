// The plane with a VSI store: an Associate is answered only once the VSI is this appliance's (a claim
// that may settle later: the answer is deferred, then replayed), a lost claim is refused with its
// reason, a VSI another appliance takes leaves at once, and owned VSIs come back at start.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Qbg;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Tests.Configuration;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Qbg;

public sealed class QbgPlaneStoreTests
{
    private static readonly MacAddress Vm = MacAddress.Parse("52:54:00:8e:aa:11");
    private static readonly VsiId VmId = VsiId.ParseUuid("a1412857-60f7-4ce1-e95a-2164943f53aa");
    private static readonly VsiRequestSpec Request = new(VdpManagerId.FromText("mgr1"), 42, 1, VmId, Vm);

    private static readonly HostConfig Config = ConfigFile.Load(
        """
        ports:
          - { name: hv1, attach: { afpacket: hv1 }, evb: bridge }
          - { name: hv2, attach: { afpacket: hv2 }, evb: bridge }
        vsi_types:
          - { id: 42, version: 1, vlan: 10 }
        """);

    [Fact]
    public void AnAssociateWaitsForItsClaimAndIsAnsweredWhenTheStoreSaysItIsOurs()
    {
        var lab = new TwoStationPlane(Config, new ScriptedVsiStore { Answer = null });
        lab.Servers[0].Vdp.Associate(Request);
        lab.RunFor(TimeSpan.FromSeconds(3));

        VsiClaim claim = Assert.Single(lab.Store!.Claims);
        Assert.Equal(("hv1", VmId.ToString(), "associate"), (claim.Port, claim.Vsi.IdText, claim.Request));
        Assert.Empty(lab.Plane.Associations());   // nothing bound while the claim is in flight
        Assert.NotEqual(StationVsiState.Associated, lab.Servers[0].Vdp.Vsis.Single().State);

        lab.Store!.Settle(new ClaimOutcome.Won(null));
        lab.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(["hv1"], lab.Plane.Associations().Select(vsi => vsi.Port));
        Assert.Equal(["hv1"], lab.Published!.Associations.Select(vsi => vsi.Port));
        Assert.Equal(StationVsiState.Associated, lab.Servers[0].Vdp.Vsis.Single().State);
        Assert.Equal(10, lab.Servers[0].Vdp.Vsis.Single().Vid);
        Assert.Single(lab.Store!.Claims);   // keep-alives never ask the store again
    }

    [Fact]
    public void ALostClaimIsRefusedWithItsReason()
    {
        var lab = new TwoStationPlane(Config, new ScriptedVsiStore { Answer = null });
        lab.Servers[0].Vdp.Associate(Request);
        lab.RunFor(TimeSpan.FromSeconds(1));
        lab.Store!.Settle(new ClaimOutcome.Lost("a2", "VSI was claimed by a2 at the same moment"));
        lab.RunFor(TimeSpan.FromSeconds(1));

        Assert.Empty(lab.Plane.Associations());
        StationVsi vsi = lab.Servers[0].Vdp.Vsis.Single();
        Assert.Equal(StationVsiState.Refused, vsi.State);
        Assert.Equal(VdpError.OtherFailure, vsi.LastStatus.Error);
        Assert.Contains(lab.Log.Lines, line => line.Message.Contains("claimed by a2 at the same moment", StringComparison.Ordinal));
    }

    [Fact]
    public void AVsiAnotherApplianceTookLeavesAtOnceAndItsSegmentIsPublished()
    {
        var lab = new TwoStationPlane(Config, new ScriptedVsiStore());
        lab.Servers[0].Vdp.Associate(Request);
        lab.RunFor(TimeSpan.FromSeconds(2));
        Assert.Single(lab.Plane.Associations());

        lab.Plane.OnStoreEvent(new VsiStoreEvent.TakenElsewhere(VmId.ToString(), "a2/hv7"), lab.Post);
        lab.RunFor(TimeSpan.FromMilliseconds(100));

        Assert.Empty(lab.Plane.Associations());
        Assert.Empty(lab.Published!.Associations);
        Assert.NotEqual(StationVsiState.Associated, lab.Servers[0].Vdp.Vsis.Single().State);   // its station was told
        Assert.Contains(lab.Store!.Segments, segment => segment.VsiId == VmId.ToString());
        Assert.Empty(lab.Store!.Releases);   // it is a2's now: releasing would undo a2's record

        // The source station's keep-alive still in flight is not a move back: refused, not claimed.
        int claims = lab.Store!.Claims.Count;
        lab.Servers[0].Vdp.Associate(Request);
        lab.RunFor(TimeSpan.FromMilliseconds(500));
        Assert.Equal(claims, lab.Store!.Claims.Count);
        Assert.Empty(lab.Plane.Associations());
    }

    [Fact]
    public void AcceptedWhileTheStoreIsAwayThenDroppedWhenTheReturningStoreSaysItIsElsewhere()
    {
        var lab = new TwoStationPlane(Config, new ScriptedVsiStore { Answer = new ClaimOutcome.Unavailable("etcd: connection refused"), Health = StoreHealth.Unreachable });
        lab.Servers[0].Vdp.Associate(Request);
        lab.RunFor(TimeSpan.FromSeconds(2));
        Assert.Single(lab.Plane.Associations());   // forwarding and associations go on without the store

        lab.Store!.Health = StoreHealth.Connected;
        lab.Store!.Answer = new ClaimOutcome.Lost("a2", "VSI is a2's");
        lab.RunFor(TimeSpan.FromSeconds(2));

        Assert.Empty(lab.Plane.Associations());
        Assert.NotEqual(StationVsiState.Associated, lab.Servers[0].Vdp.Vsis.Single().State);
    }

    [Fact]
    public void DeassociationAndExpiryReleaseTheVsiInTheStore()
    {
        var lab = new TwoStationPlane(Config, new ScriptedVsiStore());
        lab.Servers[0].Vdp.Associate(Request);
        lab.RunFor(TimeSpan.FromSeconds(2));
        lab.Servers[0].Vdp.Deassociate(VmId);
        lab.RunFor(TimeSpan.FromSeconds(2));

        (string id, string reason) = Assert.Single(lab.Store!.Releases);
        Assert.Equal(VmId.ToString(), id);
        Assert.Contains("de-associated", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OwnedVsisAreHeldAgainAtStartBeforeTheirStationSpeaks()
    {
        var lab = new TwoStationPlane(Config, new ScriptedVsiStore());
        var record = new VsiRecord(VmId, VdpManagerId.FromText("mgr1"), 42, 1, VdpRequest.Associate, VsiHint.None, VdpFilterFormat.MacVid,
            [VdpFilter.ForMac(Vm, 10)], TimeSpan.Zero, TimeSpan.Zero);
        lab.Plane.Restore([new OwnedVsi("hv2", record)], TimeSpan.Zero);

        VsiAssociation restored = Assert.Single(lab.Published!.Associations);
        Assert.Equal(("hv2", 10), (restored.Port, restored.Filter[0].Vid));
        Assert.Empty(lab.Store!.Claims);

        lab.Servers[1].Vdp.Associate(Request);   // the station's keep-alive after the restart
        lab.RunFor(TimeSpan.FromSeconds(3));
        Assert.True(StationVsiState.Associated == lab.Servers[1].Vdp.Vsis.Single().State, string.Join("\n", lab.Log.Lines.Select(line => line.Message)));
        Assert.Empty(lab.Store!.Claims);   // held on this port already: no claim
    }

    [Fact]
    public void APreAssociateWithReservationAtTheDestinationHoldsThePolicyReadyAndBindsNothingUntilTheAssociate()
    {
        var lab = new TwoStationPlane(Config, new ScriptedVsiStore());
        lab.Servers[0].Vdp.Associate(Request);
        lab.RunFor(TimeSpan.FromSeconds(2));

        // The destination server announces the migration: Pre-Associate with reservation, M hint.
        lab.Servers[1].Vdp.Associate(Request with { Mode = VdpRequest.PreAssociateWithReservation, Hint = VsiHint.MigratingTo });
        lab.RunFor(TimeSpan.FromSeconds(2));

        Assert.Equal(StationVsiState.PreAssociated, lab.Servers[1].Vdp.Vsis.Single().State);   // the type was checked: VLAN 10 settled
        Assert.Equal(10, lab.Servers[1].Vdp.Vsis.Single().Vid);
        Assert.Equal(["hv1"], lab.Published!.Associations.Select(vsi => vsi.Port));   // the VM still runs at its source: bound there only
        Assert.Equal(StationVsiState.Associated, lab.Servers[0].Vdp.Vsis.Single().State);
        Assert.Single(lab.Store!.Claims);   // the source's association only: a Pre-Associate never claims

        lab.Servers[1].Vdp.Associate(Request with { Hint = VsiHint.MigratingTo });
        lab.RunFor(TimeSpan.FromSeconds(2));

        Assert.Equal(["hv2"], lab.Published!.Associations.Select(vsi => vsi.Port));
        Assert.Equal(StationVsiState.Associated, lab.Servers[1].Vdp.Vsis.Single().State);
        Assert.NotEqual(StationVsiState.Associated, lab.Servers[0].Vdp.Vsis.Single().State);
        Assert.Equal(("hv2", "associate (M)"), (lab.Store.Claims[^1].Port, lab.Store.Claims[^1].Request));
    }
}
