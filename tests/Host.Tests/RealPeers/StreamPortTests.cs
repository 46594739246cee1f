// A VM on QEMU's stream netdev, played by a test client speaking QEMU's framing, attached to the real
// appliance (`stream: { listen: PATH }`) next to two namespace hosts on AF_PACKET ports. The client
// resolves a namespace host by ARP and pings it with a hand-built ICMP echo, both answered by the
// kernel through the bridge; when it disconnects only its own port goes down (and the bridge offers it
// nothing: host1's broadcasts reach host2 but give it no copy to count as tx-link-down) while the others
// keep forwarding; it reconnects and talks again.
// Root only (CI runs as root); namespaces, link-local addresses, all removed even on failure.
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class StreamPortTests
{
    private static readonly IPAddress VmAddress = IPAddress.Parse("169.254.91.9");
    private const string Host1Address = "169.254.91.1";
    private const string Host2Address = "169.254.91.2";
    private const string Host1Mac = "02:91:00:00:00:01";
    private const string Host2Mac = "02:91:00:00:00:02";
    private static readonly TimeSpan FrameWait = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 120_000)]
    public async Task AQemuFramedClientTalksToAKernelThroughTheBridgeAndItsDisconnectAffectsOnlyItsPort()
    {
        await using var net = new NetLab();
        string socketDirectory = Path.Combine(Path.GetTempPath(), $"hpvm9-{net.Suffix}");
        string socketPath = Path.Combine(socketDirectory, "vm9.sock");
        try
        {
            string bridge = await net.NamespaceAsync("hpsb");
            string host1 = await net.NamespaceAsync("hps1");
            string host2 = await net.NamespaceAsync("hps2");
            foreach (string ns in new[] { bridge, host1, host2 })
            {
                await Quiet(ns);
            }
            await net.VethAsync(host1, "eth0", bridge, "p1");
            await net.VethAsync(host2, "eth0", bridge, "p2");
            await NetLab.Ip("-n", host1, "link", "set", "eth0", "address", Host1Mac);
            await NetLab.Ip("-n", host2, "link", "set", "eth0", "address", Host2Mac);
            await NetLab.AddressAsync(host1, "eth0", Host1Address + "/16");
            await NetLab.AddressAsync(host2, "eth0", Host2Address + "/16");

            await using ManagedProcess appliance = await ManagedProcess.StartApplianceAsync(bridge, $"""
                ports:
                  - name: vm9
                    attach: {"{"} stream: {"{"} listen: {socketPath} {"}"} {"}"}
                  - name: p1
                    attach: {"{"} afpacket: p1 {"}"}
                  - name: p2
                    attach: {"{"} afpacket: p2 {"}"}
                """);
            string Diagnostics() =>
                $"\n{appliance.Cli("link", "show").Output}\n{appliance.Cli("stats").Output}\n{appliance.Cli("fdb", "show").Output}\nlog:\n{appliance.Log}";
            bool LinkIs(string port, string state) => appliance.Cli("link", "show", "dev", port).Output.Contains($" {state} ", StringComparison.Ordinal);

            await Eventually.TrueAsync(() => LinkIs("p1", "up") && LinkIs("p2", "up"), "p1 and p2 up", TimeSpan.FromSeconds(15));
            Assert.True(LinkIs("vm9", "down"), $"vm9 is down before any peer connects{Diagnostics()}");

            // First connection: ARP, then ping, answered by host1's kernel.
            byte[] vmMac = TestFrames.RandomMac();
            using (QemuStreamPeer vm = await QemuStreamPeer.ConnectAsync(new UnixDomainSocketEndPoint(socketPath)))
            {
                await Eventually.TrueAsync(() => LinkIs("vm9", "up"), "vm9 up once the client connected", TimeSpan.FromSeconds(10));
                await ExchangeAsync(vm, vmMac, sequence: 1, Diagnostics);
            }

            // Disconnected: vm9 goes down, p1 and p2 still forward, and host1's broadcasts go to p2 only:
            // vm9, without a peer, is offered no copy (what was queued for it when it went may count as
            // tx-link-down, hence the count before).
            await Eventually.TrueAsync(() => LinkIs("vm9", "down"), "vm9 down after the client disconnected", TimeSpan.FromSeconds(10));
            long linkDownBefore = TxLinkDown(appliance);
            long floodedBefore = Flooded(appliance, "p1");
            Assert.True(await NetLab.PingAsync(host1, Host2Address) > 0, $"host1 reaches host2 while vm9 is gone{Diagnostics()}");
            await NetLab.InAsync(host1, ["arping", "-i", "eth0", "-c", "3", "-W", "0.2", "169.254.91.99"], check: false, timeout: TimeSpan.FromSeconds(10));
            await Eventually.TrueAsync(() => Flooded(appliance, "p1") >= floodedBefore + 3, "host1's broadcasts flooded", TimeSpan.FromSeconds(5));
            Assert.True(TxLinkDown(appliance) == linkDownBefore, $"vm9 counted copies it was never meant to get as tx-link-down{Diagnostics()}");
            Assert.True(LinkIs("p1", "up") && LinkIs("p2", "up"), Diagnostics());

            // Reconnected: the same exchange works again.
            using (QemuStreamPeer vm = await QemuStreamPeer.ConnectAsync(new UnixDomainSocketEndPoint(socketPath)))
            {
                await Eventually.TrueAsync(() => LinkIs("vm9", "up"), "vm9 up again after the client reconnected", TimeSpan.FromSeconds(10));
                await ExchangeAsync(vm, vmMac, sequence: 2, Diagnostics);
            }
        }
        finally
        {
            if (Directory.Exists(socketDirectory))
            {
                Directory.Delete(socketDirectory, recursive: true);
            }
        }
    }

    /// <summary>ARP for host1 from the VM's MAC and address, then one ICMP echo to the MAC the reply named.</summary>
    private static async Task ExchangeAsync(QemuStreamPeer vm, byte[] vmMac, ushort sequence, Func<string> diagnostics)
    {
        IPAddress host1 = IPAddress.Parse(Host1Address);
        await vm.SendFrameAsync(TestFrames.ArpRequest(vmMac, VmAddress, host1));
        byte[]? reply = await ReceiveAsync(vm, frame => TestFrames.IsArpReply(frame, vmMac, host1));
        Assert.True(reply is not null, $"no ARP reply from host1's kernel{diagnostics()}");
        byte[] host1Mac = reply[22..28];   // the sender hardware address
        Assert.Equal(Convert.FromHexString(Host1Mac.Replace(":", "", StringComparison.Ordinal)), host1Mac);

        ushort identifier = (ushort)Random.Shared.Next(1, 0x10000);
        byte[] payload = System.Text.Encoding.ASCII.GetBytes(TestFrames.NewMarker());
        await vm.SendFrameAsync(IcmpFrames.EchoRequest(vmMac, host1Mac, VmAddress, host1, identifier, sequence, payload));
        byte[]? echo = await ReceiveAsync(vm, frame => IcmpFrames.IsEchoReply(frame, vmMac, host1, identifier, sequence, payload));
        Assert.True(echo is not null, $"no echo reply from host1's kernel{diagnostics()}");
    }

    /// <summary>The first frame matching <paramref name="wanted"/> within <see cref="FrameWait"/> (others, e.g. loop probes, skipped); null if none.</summary>
    private static async Task<byte[]?> ReceiveAsync(QemuStreamPeer vm, Func<byte[], bool> wanted)
    {
        DateTime deadline = DateTime.UtcNow + FrameWait;
        while (DateTime.UtcNow < deadline)
        {
            byte[] frame;
            try
            {
                frame = await vm.ReceiveFrameAsync().WaitAsync(deadline - DateTime.UtcNow);
            }
            catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
            {
                return null;
            }
            if (wanted(frame))
            {
                return frame;
            }
        }
        return null;
    }

    private static long Flooded(ManagedProcess appliance, string port)
    {
        using JsonDocument stats = JsonDocument.Parse(appliance.Cli("--json", "stats").Output);
        return stats.RootElement.GetProperty("ports").EnumerateArray().Single(row => row.GetProperty("name").GetString() == port).GetProperty("flooded").GetInt64();
    }

    private static long TxLinkDown(ManagedProcess appliance)
    {
        using JsonDocument stats = JsonDocument.Parse(appliance.Cli("--json", "stats").Output);
        JsonElement vm9 = stats.RootElement.GetProperty("ports").EnumerateArray().Single(port => port.GetProperty("name").GetString() == "vm9");
        return vm9.GetProperty("egressDrops").EnumerateArray()
            .Where(drop => drop.GetProperty("reason").GetString() == "tx-link-down")
            .Sum(drop => drop.GetProperty("frames").GetInt64());
    }

    /// <summary>No IPv6 (router solicitations, MLD, DAD): the frames on the wire are the test's own.</summary>
    private static async Task Quiet(string ns)
    {
        await NetLab.InAsync(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"]);
        await NetLab.InAsync(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"]);
    }
}
