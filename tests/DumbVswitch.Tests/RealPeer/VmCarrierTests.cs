// A VM port on a real veth (afpacket) whose VM end goes down, as a hypervisor sees a VM's tap or veth
// go away: the port is down for no carrier, and the vswitch's station de-associates the VM's VSI as
// it does for a port that goes down any other way; when the VM's end is up again the VSI is associated
// again. The uplink is in memory, facing the test's own EVB bridge. An afpacket uplink losing carrier
// is the uplink down (the station then waits, as for any uplink down). Needs root.
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Station;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.RealPeer;

public sealed class VmCarrierTests
{
    [Fact(Timeout = 120_000)]
    public async Task AVmsVethLosingCarrierTakesItsPortDownAndDeassociatesItsVsiUntilCarrierReturns()
    {
        await using NetNamespace vmHost = await NetNamespace.CreateQuietAsync();
        await using VethPair veth = await VethPair.CreateAsync(vmHost);
        await using var vswitch = new RunningVswitch([new VmConfig("vm1", Mac1, new AfPacketAttach(veth.RootEnd), Vsi: Vsi())], realAttachments: true);
        await using var bridge = new EvbBridgePeer(vswitch.Uplink);
        PortQueues vm = vswitch.Runtime.Vms[0];
        Assert.True(await Eventually.HoldsAsync(() => StatusOf(vswitch).State == VmVsiState.Associated, 20_000), StatusOf(vswitch).ToString());

        await vmHost.IpAsync("link", "set", veth.PeerEnd, "down");

        Assert.True(await Eventually.HoldsAsync(() => vm.DownReason == PortQueues.NoCarrier), $"vm1: up {vm.IsUp}, {vm.DownReason}");
        Assert.True(vm.CarrierLost);
        Assert.True(await Eventually.HoldsAsync(() => StatusOf(vswitch).State == VmVsiState.Inactive), StatusOf(vswitch).ToString());
        Assert.Equal("the VM's port is down", StatusOf(vswitch).Reason);
        Assert.True(await Eventually.HoldsAsync(() => bridge.Read(b => b.Vdp.Vsis.Count == 0)));
        Assert.Contains(bridge.Decisions, decision => decision.Kind == VsiDecisionKind.Deassociated);
        Assert.Contains("link down on " + veth.RootEnd + ": no carrier", vswitch.LogText, StringComparison.Ordinal);

        await vmHost.IpAsync("link", "set", veth.PeerEnd, "up");

        Assert.True(await Eventually.HoldsAsync(() => vm.IsUp), $"vm1 down: {vm.DownReason}");
        Assert.True(await Eventually.HoldsAsync(() => StatusOf(vswitch).State == VmVsiState.Associated, 20_000), StatusOf(vswitch).ToString());
        Assert.True(await Eventually.HoldsAsync(() => bridge.Read(b => b.Vdp.Vsis.Count == 1)));
        Assert.Equal((2, 1), (vm.Counters.LinkUps, vm.Counters.LinkDowns));
    }

    [Fact(Timeout = 120_000)]
    public async Task AnUplinkLosingCarrierIsTheUplinkDownUntilCarrierReturns()
    {
        await using NetNamespace bridgeHost = await NetNamespace.CreateQuietAsync();
        await using VethPair uplink = await VethPair.CreateAsync(bridgeHost);
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1)], realAttachments: true, uplink: new AfPacketAttach(uplink.RootEnd));
        PortQueues queues = vswitch.Runtime.Uplink;
        Assert.True(await Eventually.HoldsAsync(() => queues.IsUp, 20_000), $"uplink down: {queues.DownReason}");

        await bridgeHost.IpAsync("link", "set", uplink.PeerEnd, "down");
        Assert.True(await Eventually.HoldsAsync(() => queues.DownReason == PortQueues.NoCarrier), $"uplink: up {queues.IsUp}, {queues.DownReason}");

        await bridgeHost.IpAsync("link", "set", uplink.PeerEnd, "up");
        Assert.True(await Eventually.HoldsAsync(() => queues.IsUp), $"uplink down: {queues.DownReason}");
        Assert.Equal((2, 1), (queues.Counters.LinkUps, queues.Counters.LinkDowns));
    }

    private static VmVsiStatus StatusOf(RunningVswitch vswitch) => vswitch.Runtime.Station!.Snapshot.ForVm(0)!;
}
