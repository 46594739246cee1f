// The running vswitch's EVB station against Hairpin's own bridge role on an in-memory uplink: a VM
// with a VSI passes nothing until the bridge associates it, then travels on the VID the bridge gave;
// refusals, a VM's port going down and the vswitch stopping are seen from both ends.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Station;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.DumbVswitch.Vepa;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Station;

public sealed class UplinkStationTests
{
    private static readonly VsiId Uuid1 = VsiId.ParseUuid("a1412857-60f7-4ce1-e95a-2164943f53aa");

    private static VmVsiStatus StatusOf(RunningVswitch vswitch, int vm = 0) => vswitch.Runtime.Station!.Snapshot.ForVm(vm)!;

    private static Task<bool> StateAsync(RunningVswitch vswitch, VmVsiState state, int vm = 0) =>
        Eventually.HoldsAsync(() => StatusOf(vswitch, vm).State == state);

    [Fact]
    public async Task VsiIsHeldUntilTheBridgeAssociatesItThenTaggedWithTheAssignedVid()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1, vsi: Vsi()), Vm("vm2", Mac2)]);
        Assert.True(await vswitch.AllUpAsync());
        await vswitch.Vm(0).InjectAsync(Frame(Mac1, Outside));
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Runtime.Switch.Vms[0].DroppedFor(VepaDropReason.VsiNotAssociated) == 1));
        Assert.Equal(VmVsiState.Pending, StatusOf(vswitch).State);
        Assert.Equal("no bridge heard on the uplink yet (no EVB TLV in its LLDP)", StatusOf(vswitch).Reason);

        await using var bridge = new EvbBridgePeer(vswitch.Uplink);
        Assert.True(await StateAsync(vswitch, VmVsiState.Associated), StatusOf(vswitch).ToString());
        await vswitch.Vm(0).InjectAsync(Frame(Mac1, Outside));
        await vswitch.Uplink.InjectAsync(Frame(Outside, Mac1, vlan: 10));
        Assert.True(await Eventually.HoldsAsync(() => !bridge.Data.IsEmpty && !vswitch.Vm(0).Sent.IsEmpty));

        Assert.Equal(10, StatusOf(vswitch).Vid);
        Assert.Null(StatusOf(vswitch).Reason);
        Assert.Equal(Frame(Mac1, Outside, vlan: 10), Assert.Single(bridge.Data));
        Assert.Equal(Frame(Outside, Mac1), Assert.Single(vswitch.Vm(0).Sent));
        Assert.True(bridge.Read(b => b.Vdp.TryGet(Uuid1, out VsiRecord? record) && record.State == VsiState.Associated));
        Assert.True(await Eventually.HoldsAsync(() => bridge.Read(b => b.ReflectiveRelay) && vswitch.Runtime.Station!.Snapshot.ReflectiveRelay));
        Assert.DoesNotContain(vswitch.Vm(1).Sent, frame => MacAddress.Read(frame) == ControlFrame.NearestCustomerBridge);   // LLDP/ECP never reach a VM
        Assert.True(vswitch.Runtime.Switch.Uplink.Trapped > 0);
    }

    [Fact]
    public async Task RefusedVsiShowsTheBridgesReasonAndStaysHeld()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1, vsi: Vsi(type: 43))]);
        await using var bridge = new EvbBridgePeer(vswitch.Uplink);

        Assert.True(await StateAsync(vswitch, VmVsiState.Refused));
        await vswitch.Vm(0).InjectAsync(Frame(Mac1, Outside));
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Runtime.Switch.Vms[0].DroppedFor(VepaDropReason.VsiNotAssociated) == 1));

        Assert.Equal("refused by the bridge: other failure", StatusOf(vswitch).Reason);
        Assert.Empty(bridge.Data);
        Assert.Empty(bridge.Read(b => b.Vdp.Vsis));
    }

    [Fact]
    public async Task VmPortGoingDownDeassociatesItAndComingUpAssociatesItAgain()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1, vsi: Vsi())]);
        await using var bridge = new EvbBridgePeer(vswitch.Uplink);
        Assert.True(await StateAsync(vswitch, VmVsiState.Associated));

        vswitch.Runtime.Vms[0].MarkDown("test: VM stopped");
        Assert.True(await StateAsync(vswitch, VmVsiState.Inactive));
        Assert.True(await Eventually.HoldsAsync(() => bridge.Read(b => b.Vdp.Vsis.Count == 0)));
        Assert.Equal("the VM's port is down", StatusOf(vswitch).Reason);
        Assert.Contains(bridge.Decisions, decision => decision.Kind == VsiDecisionKind.Deassociated);

        vswitch.Runtime.Vms[0].MarkUp();
        Assert.True(await StateAsync(vswitch, VmVsiState.Associated));
        Assert.True(await Eventually.HoldsAsync(() => bridge.Read(b => b.Vdp.Vsis.Count == 1)));
    }

    [Fact]
    public async Task StoppingDeassociatesEveryVsiAndSaysGoodbye()
    {
        // lldpad's timers (ECP resends after 2.56 ms): the De-Associates must get through all the same.
        var vswitch = new RunningVswitch([Vm("vm1", Mac1, vsi: Vsi()), Vm("vm2", Mac2, vsi: Vsi(type: 7, uuid: "11111111-2222-3333-4444-555555555555"))], evb: new StationConfig());
        await using var bridge = new EvbBridgePeer(vswitch.Uplink);
        try
        {
            Assert.True(await StateAsync(vswitch, VmVsiState.Associated, vm: 0));
            Assert.True(await StateAsync(vswitch, VmVsiState.Associated, vm: 1));
            Assert.Equal(20, StatusOf(vswitch, vm: 1).Vid);
            Assert.True(await Eventually.HoldsAsync(() => bridge.Read(b => b.Link.Lldp.Neighbor is not null && b.ReflectiveRelay)));

            await vswitch.StopAsync();
        }
        finally
        {
            await vswitch.DisposeAsync();
        }

        // Both De-Associates (ECP sends one per acknowledgement) and then the goodbye reached the bridge.
        Assert.True(await Eventually.HoldsAsync(() => bridge.Read(b => b.Link.Lldp.Neighbor is null)), string.Join("\n", bridge.Trace));
        Assert.Equal(2, bridge.Decisions.Count(decision => decision.Kind == VsiDecisionKind.Deassociated));
        Assert.Empty(bridge.Read(b => b.Vdp.Vsis));
        Assert.False(bridge.Read(b => b.ReflectiveRelay));
    }

    [Fact]
    public async Task EvbWithoutVsisNegotiatesRelayAndForwardsAsBefore()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1)], evb: RunningVswitch.TestStation);
        await using var bridge = new EvbBridgePeer(vswitch.Uplink);

        Assert.True(await Eventually.HoldsAsync(() => bridge.Read(b => b.ReflectiveRelay)));
        await vswitch.Vm(0).InjectAsync(Frame(Mac1, Outside));
        Assert.True(await Eventually.HoldsAsync(() => !bridge.Data.IsEmpty));

        Assert.Equal(Frame(Mac1, Outside), Assert.Single(bridge.Data));
        Assert.Empty(vswitch.Runtime.Station!.Snapshot.Vsis);
    }
}
