// The runtime end to end on in-memory transports: frames injected at a port's transport come out of
// the right transports, through the forwarding thread, and stopping is clean.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Transports;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Runtime;

public sealed class DumbVswitchRuntimeTests
{
    [Fact]
    public async Task VmBroadcastGoesOutTheUplinkAndItsReflectionReachesTheOtherVmOnly()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1), Vm("vm2", Mac2)]);
        Assert.True(await vswitch.AllUpAsync());
        byte[] broadcast = Frame(Mac1, MacAddress.Broadcast);

        await vswitch.Vm(0).InjectAsync(broadcast);
        Assert.True(await Eventually.HoldsAsync(() => !vswitch.Uplink.Sent.IsEmpty));
        Assert.True(vswitch.Uplink.Sent.TryDequeue(out byte[]? onUplink));
        await vswitch.Uplink.InjectAsync(onUplink);   // the adjacent bridge, hairpin on
        Assert.True(await Eventually.HoldsAsync(() => !vswitch.Vm(1).Sent.IsEmpty));
        await Task.Delay(100);   // give a wrong extra copy time to show up

        Assert.Equal(broadcast, onUplink);
        Assert.Equal(broadcast, Assert.Single(vswitch.Vm(1).Sent));
        Assert.Empty(vswitch.Vm(0).Sent);
        Assert.Empty(vswitch.Uplink.Sent);
    }

    [Fact]
    public async Task AccessVlanIsTaggedTowardsTheUplinkAndUntaggedTowardsTheVm()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1, vlan: 10)]);
        Assert.True(await vswitch.AllUpAsync());

        await vswitch.Vm(0).InjectAsync(Frame(Mac1, Outside));
        await vswitch.Uplink.InjectAsync(Frame(Outside, Mac1, vlan: 10));
        Assert.True(await Eventually.HoldsAsync(() => !vswitch.Uplink.Sent.IsEmpty && !vswitch.Vm(0).Sent.IsEmpty));

        Assert.Equal(Frame(Mac1, Outside, vlan: 10), Assert.Single(vswitch.Uplink.Sent));
        Assert.Equal(Frame(Outside, Mac1), Assert.Single(vswitch.Vm(0).Sent));
    }

    [Fact]
    public async Task ManyFramesFromSeveralPortsAreAllForwardedAndCounted()
    {
        await using var vswitch = new RunningVswitch(Standard());
        Assert.True(await vswitch.AllUpAsync());
        const int PerPort = 500;   // more than a queue holds: the test paces itself on what arrived

        for (int i = 0; i < PerPort; i++)
        {
            await vswitch.Vm(Vm1).InjectAsync(Frame(Mac1, Outside));
            await vswitch.Vm(Vm10A).InjectAsync(Frame(Mac10A, Outside));
            await vswitch.Uplink.InjectAsync(Frame(Outside, Mac2));
            if (i % 16 == 15)
            {
                int expected = (i + 1) * 2;
                Assert.True(await Eventually.HoldsAsync(() => vswitch.Uplink.Sent.Count >= expected));
            }
        }
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Uplink.Sent.Count == 2 * PerPort && vswitch.Vm(Vm2).Sent.Count == PerPort));

        Assert.Equal(2 * PerPort, vswitch.Runtime.Switch.Uplink.TxFrames);
        Assert.Equal(PerPort, vswitch.Runtime.Switch.Uplink.RxFrames);
        Assert.Equal(PerPort, vswitch.Runtime.Switch.Vms[Vm2].TxFrames);
    }

    [Fact]
    public async Task AVmThatIsDownGetsNoCopyAUnicastForItIsCountedPortDownAndAFloodPassesItBy()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1), Vm("vm2", Mac2)]);
        Assert.True(await vswitch.AllUpAsync());
        vswitch.Runtime.Vms[1].MarkDown("test: VM stopped");

        await vswitch.Uplink.InjectAsync(Frame(Outside, Mac2));
        await vswitch.Uplink.InjectAsync(Frame(Outside, MacAddress.Broadcast));
        // The unicast: counted once, by the switch (port-down), never queued; the flood: vm1's copy only.
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Runtime.Switch.Uplink.Flooded == 1));
        Assert.Equal(1, vswitch.Runtime.Switch.Vms[1].EgressDroppedFor(VepaDropReason.PortDown));
        Assert.Equal(1, vswitch.Runtime.Switch.Vms[1].EgressDroppedTotal);
        Assert.Equal(0, vswitch.Runtime.Switch.Vms[1].TxFrames);
        Assert.Equal(0, vswitch.Runtime.Vms[1].Counters.Dropped(LinkDropReason.TxLinkDown));
        Assert.Equal(0, vswitch.Runtime.Vms[1].Outbound.Count);
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Runtime.Vms[0].Counters.TxFrames == 1));
    }

    [Fact]
    public async Task CancellationStopsTheLoopAndDisposesEveryTransport()
    {
        var vswitch = new RunningVswitch(Standard());
        Assert.True(await vswitch.AllUpAsync());

        await vswitch.StopAsync();

        Assert.True(vswitch.Run.IsCompletedSuccessfully);
        Assert.Equal(6, vswitch.Transports.All.Count());
        Assert.All(vswitch.Transports.All, t => Assert.True(t.Disposed));
        Assert.False(vswitch.Runtime.Uplink.IsUp);
        await vswitch.DisposeAsync();
    }

    [Fact]
    public async Task ATransportThatQuitsOnItsOwnStopsTheRuntimeWithAnError()
    {
        var transports = new MemoryTransports();
        var vms = new[] { Vm("vm1", Mac1), Vm("vm2", Mac2) };
        transports.Quitting.Add(vms[1].Attach);
        await using var vswitch = new RunningVswitch(vms, transports);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => vswitch.Run.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("vm2", failure.Message, StringComparison.Ordinal);
        Assert.All(transports.All, t => Assert.True(t.Disposed));
    }
}
