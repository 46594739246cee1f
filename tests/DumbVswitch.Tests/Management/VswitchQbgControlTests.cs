// `vsi show`, `lldp neighbors` and `link show` against a vswitch whose uplink is an EVB station: each
// VM's VSI with its state and reason, the bridge heard, and why a VM port passes nothing.
using Hairpin.DumbVswitch.Management;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Management;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Management;

public sealed class VswitchQbgControlTests
{
    [Fact]
    public async Task VsiShowAndLinkShowSayWhyAVmPassesNothingUntilItIsAssociated()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1, vsi: Vsi()), Vm("vm2", Mac2)]);
        Assert.True(await vswitch.AllUpAsync());
        var control = new VswitchControl(vswitch.Runtime);
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Runtime.Station!.Snapshot.ForVm(0)!.Reason?.StartsWith("no bridge", StringComparison.Ordinal) == true));

        VsiInfo pending = Assert.Single(await control.ShowVsisAsync(CancellationToken.None));
        IReadOnlyList<PortInfo> held = await control.ListPortsAsync(CancellationToken.None);

        Assert.Equal(("a1412857-60f7-4ce1-e95a-2164943f53aa", "uuid", 42, 1, "mgr1"), (pending.VsiId, pending.Format, pending.TypeId, pending.TypeVersion, pending.Manager));
        Assert.Equal(("vm1", "pending"), (pending.Port, pending.State));
        Assert.Equal("no bridge heard on the uplink yet (no EVB TLV in its LLDP)", pending.Reason);
        Assert.Equal([new VsiFilterInfo("02:00:00:00:00:01", 0)], pending.Filter);
        Assert.Null(pending.LastKeepAlive);
        Assert.Equal((PortOperState.Blocking, "vsi-pending"), (held[1].State, held[1].ErrorDisableCause));
        Assert.Equal((PortOperState.Forwarding, null), (held[2].State, held[2].ErrorDisableCause));
        Assert.Empty(await control.LldpNeighborsAsync(CancellationToken.None));

        await using var bridge = new EvbBridgePeer(vswitch.Uplink);
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Runtime.Station!.Snapshot.ForVm(0)!.Associated));
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Runtime.Station!.Snapshot.ReflectiveRelay));

        VsiInfo associated = Assert.Single(await control.ShowVsisAsync(CancellationToken.None));
        IReadOnlyList<PortInfo> ports = await control.ListPortsAsync(CancellationToken.None);
        LldpNeighborInfo neighbor = Assert.Single(await control.LldpNeighborsAsync(CancellationToken.None));

        Assert.Equal(("associated", null), (associated.State, associated.Reason));
        Assert.Equal([new VsiFilterInfo("02:00:00:00:00:01", 10)], associated.Filter);
        Assert.NotNull(associated.LastKeepAlive);
        Assert.Equal((PortOperState.Forwarding, null, 10, "10"), (ports[1].State, ports[1].ErrorDisableCause, ports[1].Pvid, ports[1].Vlans));
        Assert.Equal("10", ports[0].Vlans);
        Assert.Equal(("uplink", "02:00:00:00:b0:01", "02:00:00:00:b0:01"), (neighbor.Port, neighbor.Source, neighbor.ChassisId));
        Assert.Equal(120, neighbor.Ttl);
        // The bridge echoes the station byte it last heard (rrstat moves from unknown to enabled) and runs ECP at our larger RTE.
        Assert.Equal(("bridge:rrcap,rrctr", "bridge", 3, 14, 20, 20),
            (neighbor.Evb!.Bridge, neighbor.Evb.Mode, neighbor.Evb.Retries, neighbor.Evb.RetransmitExponent, neighbor.Evb.ResourceWaitExponent, neighbor.Evb.KeepAliveExponent));
        Assert.StartsWith("station:rrreq,rrstat=", neighbor.Evb.Station, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAStationThereAreNoNeighborsAndNoVsis()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1)]);
        var control = new VswitchControl(vswitch.Runtime);

        Assert.Empty(await control.LldpNeighborsAsync(CancellationToken.None));
        Assert.Empty(await control.ShowVsisAsync(CancellationToken.None));
        Assert.All(await control.ListPortsAsync(CancellationToken.None), port => Assert.Null(port.ErrorDisableCause));
    }

    [Fact]
    public async Task TheStationKeepsNoVsiHistoryAndNamesNoAppliance()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1, vsi: Vsi())]);
        var control = new VswitchControl(vswitch.Runtime);

        Assert.IsNotAssignableFrom<IVsiHistoryControl>(control);   // moves are the bridge's to record, in its VSI store
        Assert.All(await control.ShowVsisAsync(CancellationToken.None), vsi => Assert.Null(vsi.Appliance));
    }
}
