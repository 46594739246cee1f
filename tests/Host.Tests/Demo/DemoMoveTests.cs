// The in-process story's move: vm-a's VSI associated by a second dumb vswitch's station on hv3 while hv1
// holds it, which the bridge's 802.1Qbg plane (QbgPlane) takes as a live migration. Checked against the
// plane's bridge ports, both stations, the engine's bindings and the VSI's counters.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Demo;
using Hairpin.Host.Management;
using Hairpin.Host.Qbg;

namespace Hairpin.Host.Tests.Demo;

public sealed class DemoMoveTests
{
    private const string Uplink = DemoScenario.Uplink;
    private const string Server = DemoScenario.Server;
    private const string Destination = DemoScenario.DestinationUplink;
    private static readonly DemoVsi VsiA = DemoScenario.VsiA;
    private static readonly DemoHost VmA = DemoScenario.VmA;

    [Fact]
    public void AfterTheMoveHv3HoldsVmAsVsiAndHv1NeitherHoldsNorAdmitsIt()
    {
        (DemoBridge bridge, DemoControlPlane control) = DemoScenario.CreateMoved();

        Assert.True(control.BridgePort(Destination).Vdp.TryGet(VsiA.Id, out VsiRecord? record));
        Assert.Equal(VsiState.Associated, record.State);
        VdpFilter filter = Assert.Single(record.Filters);
        Assert.Equal((VmA.Mac, 10), (filter.Mac, filter.Vid));
        Assert.False(control.BridgePort(Uplink).Vdp.TryGet(VsiA.Id, out _));
        Assert.Equal([Destination], control.Associations.Where(vsi => vsi.VsiId == record.IdText).Select(vsi => vsi.Port));
        // The engine binds vm-a's (MAC, VID) on hv3 alone.
        PortConfig hv1 = bridge.Engine.Config.Ports[bridge.PortIndex(Uplink)];
        PortConfig hv3 = bridge.Engine.Config.Ports[bridge.PortIndex(Destination)];
        Assert.DoesNotContain(hv1.Vsi.Bindings, binding => binding.Mac == VmA.Mac);
        Assert.Contains(hv3.Vsi.Bindings, binding => binding.Mac == VmA.Mac && binding.Vid == 10);
        Assert.Contains(control.Log.Lines, line => line.Message.StartsWith($"VSI {record.IdText} moved from port hv1 to port hv3", StringComparison.Ordinal));
    }

    [Fact]
    public void TheSourcesStationIsToldByTheBridgeAndTheDestinationsTagsVmAsFramesWithItsVlan()
    {
        (_, DemoControlPlane control) = DemoScenario.CreateMoved();

        Assert.Equal(1, control.Station.Vdp.Counters.BridgeDeassociations);   // the bridge's De-Associate reached hv1's station
        Assert.False(control.Station.Vdp.TryGet(VsiA.Id, out _));              // and the source let its copy go
        Assert.NotNull(control.DestinationStation);
        Assert.True(control.DestinationStation.Vdp.TryGet(VsiA.Id, out StationVsi? moved));
        Assert.Equal((StationVsiState.Associated, 10), (moved.State, moved.Vid));
        Assert.Equal(Destination, DemoScenario.FromVm(control, VmA, DemoFrames.Udp(VmA, DemoScenario.HostC)).Port);
        // hv3 negotiates reflective relay with the destination's station as hv1 did with the source's, a few LLDP exchanges later.
        control.RunFor(TimeSpan.FromSeconds(3));
        Assert.True(control.DestinationStation.ReflectiveRelay);
    }

    [Fact]
    public void VmAsCountersGoOnAcrossTheMoveRatherThanStartAgain()
    {
        (DemoBridge bridge, DemoControlPlane control) = DemoScenario.CreateAssociated();
        string vsi = VsiA.Id.ToString();
        (string before, byte[] first) = DemoScenario.FromVm(control, VmA, DemoFrames.Udp(VmA, DemoScenario.HostC));
        bridge.Send(before, first);
        VsiCountersSnapshot counted = bridge.Engine.VsiCounters(vsi)!.Snapshot();

        DemoScenario.Move(control);
        (string after, byte[] second) = DemoScenario.FromVm(control, VmA, DemoFrames.Udp(VmA, DemoScenario.HostC));
        bridge.Send(after, second);

        Assert.Equal((Uplink, Destination), (before, after));
        Assert.Equal(1, counted.RxFrames);
        Assert.Equal(2, bridge.Engine.VsiCounters(vsi)!.Snapshot().RxFrames);
        VsiInfo shown = Assert.Single(control.Plane.Vsis(control.Now, id => VsiTraffic.Of(bridge.Engine.VsiCounters(id)?.Snapshot() ?? VsiCountersSnapshot.Empty)),
            info => info.VsiId == vsi);
        Assert.Equal((Destination, "associated", 2L), (shown.Port, shown.State, shown.Counters.In.Frames));
        Assert.Contains(DemoScenario.VsiShow(control, bridge).Lines, line => line.StartsWith(vsi, StringComparison.Ordinal) && line.Contains(" hv3 ", StringComparison.Ordinal));
    }

    [Fact]
    public void AfterTheMoveVmAsTypeAclHoldsOnHv3AndALateFrameUpHv1IsNotAdmitted()
    {
        (DemoBridge bridge, DemoControlPlane control) = DemoScenario.CreateAssociated();
        bridge.Send(Server, DemoFrames.ArpRequest(DemoScenario.HostC, VmA));   // the bridge learns where host-c is
        control.Reload(DemoScenario.PolicyConfig());
        DemoScenario.Move(control);

        FrameOutcome[] outcomes = [.. DemoScenario.AfterTheMove(control).Select(frame => bridge.Send(frame.Port, frame.Frame))];

        Assert.Equal([new Delivery(Server, Reflected: false, Modified: true, Vid: 0)], outcomes[0].Deliveries);   // vm-a to host-c, up hv3
        Assert.Equal([new Delivery(Destination, Reflected: false, Modified: true, Vid: 10)], outcomes[1].Deliveries);   // host-c to vm-a: its static entry moved
        Assert.Equal(DropReason.AclDenied, Assert.Single(outcomes[2].Drops).Reason);   // vm-a to vm-b: type 42's ACL, bound on hv3 now
        FrameOutcome late = outcomes[^1];   // vm-a's frame from the source, up hv1
        Assert.Empty(late.Deliveries);
        Assert.Equal((Uplink, DropReason.VsiNotAssociated), (Assert.Single(late.Drops).Port, late.Drops[0].Reason));
        Assert.Equal(DemoConfigs.VmAPolicy, bridge.Engine.Config.VmAcls.Single(binding => binding.Mac == VmA.Mac).Acl);
        Assert.Equal(Destination, bridge.Engine.Config.VmAcls.Single(binding => binding.Mac == VmA.Mac).Port);
    }
}
