// The dumb vswitch's EVB station against lldpad (open-lldp, what libvirt hosts run) playing the
// bridge: one VM with a VSI behind the vswitch, whose uplink veth ends in lldpad's namespace. lldpad
// hears the station ask for reflective relay, accepts the VSI (echoing VID 0: the VM stays untagged)
// and the VM then reaches the bridge's namespace; when lldpad dies the next keep-alive goes
// unacknowledged and the VM is held again; when the vswitch stops, lldpad forgets the station at once.
// Root only (CI runs as root); link-local addresses; everything removed even on failure.
using System.Text.Json;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class VswitchWithLldpadBridgeTests
{
    private const string VmMac = "02:94:00:00:00:0a";
    private const string VmAddress = "169.254.94.2";
    private const string BridgeMac = "02:94:00:00:b0:01";
    private const string BridgeAddress = "169.254.94.1";
    private const string Uuid = "a1412857-60f7-4ce1-e95a-2164943f53aa";

    [Fact(Timeout = 60_000)]
    public async Task LldpadBridgeAssociatesTheVsiAndItsDeathHoldsTheVmAgain()
    {
        await using Lab lab = await Lab.StartAsync();

        Assert.True(await Eventually.HoldsAsync(() => VsiState(lab.Vswitch) == "associated", 15_000), lab.Diagnostics());
        string neighbour = await lab.Lldpad.NeighbourEvbAsync();
        Assert.Contains("rrreq", neighbour, StringComparison.Ordinal);   // the station asks for reflective relay
        Assert.True(await Eventually.HoldsAsync(() => LldpNeighborBridge(lab.Vswitch) == "bridge:rrcap,rrctr", 5_000), lab.Diagnostics());
        JsonElement vsi = Vsi(lab.Vswitch);
        Assert.Equal(0, vsi.GetProperty("filter")[0].GetProperty("vid").GetInt32());   // lldpad echoes VID 0: untagged
        Assert.Equal("vm-a", vsi.GetProperty("port").GetString());
        Assert.True(await NetLab.PingAsync(lab.VmNs.Name, BridgeAddress) > 0, $"the associated VM reaches the bridge's side{lab.Diagnostics()}");
        // Held from the first answer on: lldpad never took it back (as it did when its VDP timers were
        // still 0, see LldpadPeer.StartAsync, and the VM then reached the bridge only by luck of timing).
        Assert.DoesNotContain("de-associated by the bridge", lab.Vswitch.Log, StringComparison.Ordinal);

        await lab.StopLldpadAsync();   // the bridge goes silent; its LLDP would take 120 s to age out

        // The next keep-alive (every 10.49 s) is not acknowledged: the VSI times out and the VM is held.
        Assert.True(await Eventually.HoldsAsync(() => VsiState(lab.Vswitch) == "timed-out", 15_000), lab.Diagnostics());
        Assert.Equal("not acknowledged by the bridge (ECP gave up)", Vsi(lab.Vswitch).GetProperty("reason").GetString());
        Assert.Contains("blocking (vsi-timed-out)", lab.Vswitch.Cli("link", "show").Output, StringComparison.Ordinal);
        Assert.Equal(0, await NetLab.PingAsync(lab.VmNs.Name, BridgeAddress, count: 2));
    }

    [Fact(Timeout = 60_000)]
    public async Task StoppingTheVswitchMakesLldpadForgetTheStationAtOnce()
    {
        await using Lab lab = await Lab.StartAsync();
        Assert.True(await Eventually.HoldsAsync(() => VsiState(lab.Vswitch) == "associated", 15_000), lab.Diagnostics());
        Assert.Contains("rrreq", await lab.Lldpad.NeighbourEvbAsync(), StringComparison.Ordinal);

        await lab.Vswitch.SignalAsync("TERM");

        Assert.True(await Eventually.HoldsAsync(() => lab.Vswitch.HasExited, 10_000), lab.Vswitch.Log);
        Assert.Contains("VSI of VM vm-a: inactive (VID 0) the vswitch is stopping", lab.Vswitch.Log, StringComparison.Ordinal);
        // Its LLDP goodbye (TTL 0): lldpad drops the neighbour now, not 120 s later.
        string after = "";
        for (int attempt = 0; attempt < 30 && (after = await lab.Lldpad.NeighbourEvbAsync()).Contains("rrreq", StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(100);
        }
        Assert.DoesNotContain("rrreq", after, StringComparison.Ordinal);
    }

    private static JsonElement Vsi(ManagedProcess vswitch)
    {
        var (exit, output, error) = vswitch.Cli("vsi", "show", "--json");
        Assert.True(exit == 0, error);
        using JsonDocument json = JsonDocument.Parse(output);
        return json.RootElement.EnumerateArray().Single(v => v.GetProperty("vsiId").GetString() == Uuid).Clone();
    }

    private static string? VsiState(ManagedProcess vswitch) => Vsi(vswitch).GetProperty("state").GetString();

    private static string? LldpNeighborBridge(ManagedProcess vswitch)
    {
        var (_, output, _) = vswitch.Cli("lldp", "neighbors", "--json");
        using JsonDocument json = JsonDocument.Parse(output);
        return json.RootElement.GetArrayLength() == 1 && json.RootElement[0].GetProperty("evb") is { ValueKind: JsonValueKind.Object } evb
            ? evb.GetProperty("bridge").GetString()
            : null;
    }

    /// <summary>Three namespaces: the bridge (lldpad on up0), the hypervisor (the vswitch), the VM (eth0).</summary>
    private sealed class Lab : IAsyncDisposable
    {
        private readonly List<NetNamespace> _namespaces = [];
        private bool _lldpadStopped;

        public NetNamespace BridgeNs { get; private set; } = null!;
        public NetNamespace HypervisorNs { get; private set; } = null!;
        public NetNamespace VmNs { get; private set; } = null!;
        public LldpadPeer Lldpad { get; private set; } = null!;
        public ManagedProcess Vswitch { get; private set; } = null!;

        public static async Task<Lab> StartAsync()
        {
            var lab = new Lab();
            try
            {
                lab.BridgeNs = await lab.NamespaceAsync();
                lab.HypervisorNs = await lab.NamespaceAsync();
                lab.VmNs = await lab.NamespaceAsync();
                await NetNamespace.VethAsync(lab.HypervisorNs, "uplink", lab.BridgeNs, "up0");
                await NetNamespace.VethAsync(lab.HypervisorNs, "v0", lab.VmNs, "eth0");
                await HostAsync(lab.BridgeNs, "up0", BridgeMac, BridgeAddress);
                await HostAsync(lab.VmNs, "eth0", VmMac, VmAddress);
                lab.Lldpad = await LldpadPeer.StartBridgeAsync(lab.BridgeNs.Name, "up0");
                // RTE 12 (41 ms) rather than lldpad's 2.56 ms: both ends run with the larger, and with
                // 2.56 ms lldpad's ECP gives up on an unacknowledged answer after ~10 ms whenever it or
                // the vswitch is scheduled that late (a loaded 2-core CI machine).
                lab.Vswitch = await ManagedProcess.StartVswitchAsync(lab.HypervisorNs.Name, $"""
                    uplink: {"{"} afpacket: uplink {"}"}
                    evb: {"{"} role: station, retransmit_exponent: 12 {"}"}
                    vms:
                      - name: vm-a
                        mac: "{VmMac}"
                        attach: {"{"} afpacket: v0 {"}"}
                        vsi: {"{"} type: 42, version: 1, uuid: {Uuid}, manager: mgr1 {"}"}
                    """);
                return lab;
            }
            catch
            {
                await lab.DisposeAsync();
                throw;
            }
        }

        public async Task StopLldpadAsync()
        {
            _lldpadStopped = true;
            await Lldpad.DisposeAsync();
        }

        public string Diagnostics() =>
            $"\nvsi show:\n{Vswitch.Cli("vsi", "show").Output}\nlink show:\n{Vswitch.Cli("link", "show").Output}\nstats:\n{Vswitch.Cli("stats").Output}" +
            $"\nvswitch log:\n{Tail(Vswitch.Log)}\nlldpad log:\n{(_lldpadStopped ? "(stopped)" : Tail(Lldpad.Log))}";

        private static string Tail(string log) => log.Length > 4000 ? log[^4000..] : log;

        private async Task<NetNamespace> NamespaceAsync()
        {
            NetNamespace ns = await NetNamespace.CreateQuietAsync();
            _namespaces.Add(ns);
            return ns;
        }


        private static async Task HostAsync(NetNamespace ns, string device, string mac, string address)
        {
            await ns.IpAsync("link", "set", device, "address", mac);
            await ns.IpAsync("addr", "add", address + "/16", "dev", device);
        }

        public async ValueTask DisposeAsync()
        {
            if (Vswitch is not null)
            {
                await Vswitch.DisposeAsync();
            }
            if (Lldpad is not null && !_lldpadStopped)
            {
                await Lldpad.DisposeAsync();
            }
            foreach (NetNamespace ns in _namespaces)
            {
                await ns.DisposeAsync();
            }
        }
    }
}
