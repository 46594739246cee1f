// The dumb vswitch between real peers, as in the Linux reference (macvlan VEPA over a veth uplink to
// a Linux bridge): two VMs are network namespaces behind veths attached by AF_PACKET; the uplink is a
// veth whose far end is a port of a Linux bridge in a third namespace, the external VEPA-capable
// bridge. VM-to-VM traffic works only when that port has hairpin on, and each VM hears every
// broadcast of the other exactly once and never its own. Needs root; everything is in the test's own
// namespaces with link-local addresses and is removed even on failure.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Runtime;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.DumbVswitch.Tests.RealPeer;

public sealed class VepaWithLinuxBridgeTests
{
    private const string MacA = "02:00:00:00:5a:01";
    private const string MacB = "02:00:00:00:5b:01";
    private const string AddressA = "169.254.88.1";
    private const string AddressB = "169.254.88.2";
    private const int BroadcastsEach = 5;

    [Fact(Timeout = 180_000)]
    public async Task VmsReachEachOtherOnlyThroughAHairpinPortAndHearEachOthersBroadcastsOnce()
    {
        await using NetNamespace vmA = await NetNamespace.CreateAsync();
        await using NetNamespace vmB = await NetNamespace.CreateAsync();
        await using NetNamespace bridgeHost = await NetNamespace.CreateAsync();
        await using VethPair vethA = await VethPair.CreateAsync(vmA);
        await using VethPair vethB = await VethPair.CreateAsync(vmB);
        await using VethPair uplink = await VethPair.CreateAsync(bridgeHost);
        await SetUpVmAsync(vmA, vethA.PeerEnd, MacA, AddressA);
        await SetUpVmAsync(vmB, vethB.PeerEnd, MacB, AddressB);
        string bridge = NetNamespace.UniqueName("hpbr");
        await QuietAsync(bridgeHost);
        await bridgeHost.IpAsync("link", "add", bridge, "type", "bridge");
        await bridgeHost.IpAsync("link", "set", uplink.PeerEnd, "master", bridge);
        await bridgeHost.IpAsync("link", "set", bridge, "up");

        var config = new DumbVswitchConfig
        {
            SourceFile = "real-peer",
            Uplink = new AfPacketAttach(uplink.RootEnd),
            Vms =
            [
                new VmConfig("vm-a", MacAddress.Parse(MacA), new AfPacketAttach(vethA.RootEnd)),
                new VmConfig("vm-b", MacAddress.Parse(MacB), new AfPacketAttach(vethB.RootEnd)),
            ],
        };
        using var runtime = new DumbVswitchRuntime(config, TransportFactory.Create, NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        Task run = runtime.RunAsync(stop.Token);
        try
        {
            Assert.True(await Eventually.HoldsAsync(() => runtime.Uplink.IsUp && runtime.Vms.All(vm => vm.IsUp), 20_000), "ports did not come up");

            // Hairpin off: A's ARP and pings go up and the bridge will not send them back down the same port.
            var off = await vmA.ExecAsync(["ping", "-c", "2", "-W", "1", AddressB], check: false);
            Assert.NotEqual(0, off.ExitCode);

            await ProcessRunner.RunAsync("bridge", ["-n", bridgeHost.Name, "link", "set", "dev", uplink.PeerEnd, "hairpin", "on"]);
            Assert.True(await PingsAsync(vmA, AddressB), "A could not ping B with hairpin on");
            Assert.True(await PingsAsync(vmB, AddressA), "B could not ping A with hairpin on");

            using PacketCapture atA = await PacketCapture.StartAsync(vmA, vethA.PeerEnd, "ether proto 0x88b5", seconds: 12);
            using PacketCapture atB = await PacketCapture.StartAsync(vmB, vethB.PeerEnd, "ether proto 0x88b5", seconds: 12);
            await Task.WhenAll(SendBroadcastsAsync(vmA, vethA.PeerEnd, MacA), SendBroadcastsAsync(vmB, vethB.PeerEnd, MacB));
            string[] heardByA = await atA.FramesAsync();
            string[] heardByB = await atB.FramesAsync();

            Assert.Equal(BroadcastsEach, heardByA.Count(line => line.Contains(MacB, StringComparison.Ordinal)));
            Assert.DoesNotContain(heardByA, line => line.Contains($"{MacA} >", StringComparison.Ordinal));
            Assert.Equal(BroadcastsEach, heardByB.Count(line => line.Contains(MacA, StringComparison.Ordinal)));
            Assert.DoesNotContain(heardByB, line => line.Contains($"{MacB} >", StringComparison.Ordinal));
            Assert.Equal(0, runtime.Switch.Vms.Sum(vm => vm.DroppedTotal + vm.EgressDroppedTotal));
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static async Task SetUpVmAsync(NetNamespace vm, string interfaceName, string mac, string address)
    {
        await QuietAsync(vm);
        await vm.IpAsync("link", "set", "dev", interfaceName, "address", mac);
        await vm.IpAsync("addr", "add", $"{address}/16", "dev", interfaceName);
    }

    /// <summary>No IPv6 (router solicitations, MLD, DAD): the only frames are the test's own.</summary>
    private static async Task QuietAsync(NetNamespace ns)
    {
        await ns.ExecAsync(["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"]);
        await ns.ExecAsync(["sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"]);
    }

    /// <summary>A few bounded attempts: the first ARP after hairpin went on may still be in flight.</summary>
    private static async Task<bool> PingsAsync(NetNamespace from, string to)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if ((await from.ExecAsync(["ping", "-c", "2", "-W", "1", to], check: false)).ExitCode == 0)
            {
                return true;
            }
        }
        return false;
    }

    private static Task SendBroadcastsAsync(NetNamespace vm, string interfaceName, string mac) =>
        vm.SendWithScapyAsync(interfaceName, $"[Ether(dst='ff:ff:ff:ff:ff:ff', src='{mac}', type=0x88b5)/Raw(b'vepa-test')] * {BroadcastsEach}");
}
