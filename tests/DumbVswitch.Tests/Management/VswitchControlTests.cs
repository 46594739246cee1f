// `link show` and `stats` against the dumb vswitch: the uplink and every VM, with link state,
// counters and drops by reason; what the vswitch does not have is "not supported".
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Management;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Management;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Management;

public sealed class VswitchControlTests
{
    [Fact]
    public async Task LinkShowListsTheUplinkThenEveryVmWithStateAndCounters()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1), Vm("vm10", Mac10A, vlan: 10), Vm("vm12", Mac10B, vlan: 12), Vm("vm11", Mac2, vlan: 11)]);
        Assert.True(await vswitch.AllUpAsync());
        await vswitch.Vm(0).InjectAsync(Frame(Mac1, Outside));
        // tx counts a frame once it has left, which is after the switch queued it for the uplink.
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Runtime.Uplink.Counters.TxFrames == 1));
        var control = new VswitchControl(vswitch.Runtime);

        IReadOnlyList<PortInfo> ports = await control.ListPortsAsync(CancellationToken.None);

        Assert.Equal(["uplink", "vm1", "vm10", "vm12", "vm11"], ports.Select(p => p.Name));
        Assert.All(ports, p => Assert.Equal(LinkState.Up, p.Link));
        Assert.All(ports, p => Assert.False(p.Flags.Hairpin));
        Assert.Equal("10-12", ports[0].Vlans);
        Assert.Equal((10, "10", "10"), (ports[2].Pvid, ports[2].Vlans, ports[2].Untagged));
        Assert.Equal("stream:listen:/tmp/vm1.sock", ports[1].Attach);
        Assert.Equal(new TrafficCounters(1, 60), ports[1].Rx);
        Assert.Equal(new TrafficCounters(1, 60), ports[0].Tx);
    }

    [Fact]
    public async Task StatsGiveDropsByReasonName()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1), Vm("vm2", Mac2)]);
        Assert.True(await vswitch.AllUpAsync());
        await vswitch.Vm(0).InjectAsync(Frame(Mac2, MacAddress.Broadcast));
        await vswitch.Uplink.InjectAsync(Frame(Outside, Outside));
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Runtime.Switch.Uplink.DroppedTotal == 1 && vswitch.Runtime.Switch.Vms[0].DroppedTotal == 1));
        var control = new VswitchControl(vswitch.Runtime);

        BridgeStats stats = await control.StatsAsync(CancellationToken.None);

        Assert.Equal([new DropCount("unknown-unicast", 1)], stats.Ports[0].IngressDrops);
        Assert.Equal([new DropCount("spoofed-source", 1)], stats.Ports[1].IngressDrops);
        Assert.Empty(stats.Ports[2].IngressDrops);
    }

    [Fact]
    public async Task TheVswitchOffersOnlyTheCapabilitiesItHas()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1)]);
        var control = new VswitchControl(vswitch.Runtime);

        // No FDB, port flags, ACLs, live reload, trace, VSI history or MVRP: their commands answer "not supported by this server".
        Assert.IsNotAssignableFrom<IFdbControl>(control);
        Assert.IsNotAssignableFrom<IPortFlagControl>(control);
        Assert.IsNotAssignableFrom<IAclControl>(control);
        Assert.IsNotAssignableFrom<IReloadControl>(control);
        Assert.IsNotAssignableFrom<ITraceControl>(control);
        Assert.IsNotAssignableFrom<IVsiHistoryControl>(control);
        Assert.IsNotAssignableFrom<IMvrpControl>(control);   // the hypervisor's side runs no MVRP: its appliance declares its VMs' VLANs
        Assert.IsAssignableFrom<IQbgControl>(control);
        Assert.Equal(2, (await control.ListPortsAsync(CancellationToken.None)).Count);
    }
}
