// One appliance of TwoApplianceLldpadLab with what stands around it: its `hairpin bridge` process,
// the lldpad station on its `evb:` port hv1 (as libvirt drives it, through vdptool) and the host
// namespace on its access port of VLAN 10. The lab owns and disposes all of it.
using System.Globalization;
using System.Text.Json;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed class LldpadApplianceSide
{
    internal LldpadApplianceSide(string name, ManagedProcess appliance, LldpadPeer station, string stationNs, string hostNs)
    {
        Name = name;
        Appliance = appliance;
        Station = station;
        StationNamespace = stationNs;
        HostNamespace = hostNs;
    }

    /// <summary>The appliance's name in the VSI store (`store: { name }`).</summary>
    public string Name { get; }
    public ManagedProcess Appliance { get; }
    public LldpadPeer Station { get; }
    public string StationNamespace { get; }
    public string HostNamespace { get; }

    /// <summary>`vsi show --json`: this appliance's VSIs and, from the store, those held elsewhere.</summary>
    public List<JsonElement> Vsis()
    {
        using JsonDocument vsis = JsonDocument.Parse(Appliance.Cli("--json", "vsi", "show").Output);
        return [.. vsis.RootElement.EnumerateArray().Select(vsi => vsi.Clone())];
    }

    /// <summary>The VSI as `vsi show` lists it here, or null.</summary>
    public JsonElement? Vsi(string uuid) => Vsis().Where(vsi => vsi.GetProperty("vsiId").GetString() == uuid).Select(vsi => (JsonElement?)vsi).FirstOrDefault();

    /// <summary>(appliance, port, state) of the VSI as `vsi show` lists it here, or null.</summary>
    public (string? Appliance, string Port, string State)? Where(string uuid) => Vsi(uuid) is JsonElement vsi
        ? (vsi.GetProperty("appliance").GetString(), vsi.GetProperty("port").GetString()!, vsi.GetProperty("state").GetString()!)
        : null;

    /// <summary>`vsi history ID --json`.</summary>
    public List<JsonElement> History(string uuid)
    {
        using JsonDocument moves = JsonDocument.Parse(Appliance.Cli("--json", "vsi", "history", uuid).Output);
        return [.. moves.RootElement.EnumerateArray().Select(move => move.Clone())];
    }

    /// <summary>Waits until lldpad has heard this appliance's EVB TLV grant reflective relay (VDP requests fail before that).</summary>
    public Task WaitForEvbAsync() =>
        Eventually.TrueAsync(() => Station.NeighbourEvbAsync().GetAwaiter().GetResult().Contains("rrctr", StringComparison.Ordinal),
            $"lldpad at {Name} hears the bridge grant reflective relay (rrctr)", TimeSpan.FromSeconds(20));

    /// <summary>Waits until the appliance's VSI store has connected to etcd (claims before that are accepted unconfirmed).</summary>
    public Task WaitForStoreAsync() =>
        Eventually.TrueAsync(() => Appliance.Log.Contains("VSI store: connected to", StringComparison.Ordinal),
            $"appliance {Name} connects to etcd", TimeSpan.FromSeconds(20));

    /// <summary>
    /// ICMP echo requests from the VM (<paramref name="mac"/>, tagged VLAN 10) to <paramref name="destination"/>,
    /// sent and answered through scapy on the station's st0; returns the replies.
    /// </summary>
    public async Task<int> PingFromVmAsync(string mac, string destination, int count = 3)
    {
        ProcessRunner.Result result = await NetLab.InAsync(StationNamespace, ["/usr/bin/python3", "-c",
            "from scapy.all import Ether, Dot1Q, IP, ICMP, srp\n" +
            $"pkts = [Ether(src='{mac}', dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=10)/IP(src='{TwoApplianceLldpadLab.VmAddress}', dst='{destination}')/ICMP(id=7, seq=i) for i in range({count})]\n" +
            "ans, _ = srp(pkts, iface='st0', timeout=2, verbose=False)\n" +
            "print(len(ans))"], timeout: TimeSpan.FromSeconds(60));
        return int.Parse(result.Output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
    }

    public string Diagnostics() =>
        $"\n--- appliance {Name}:\n{Appliance.Cli("vsi", "show").Output}\n{Appliance.Cli("stats", "dev", "hv1").Output}\nlog:\n{Tail(Appliance.Log, 60)}\nlldpad log (tail):\n{Tail(Station.Log, 30)}";

    private static string Tail(string log, int lines) => string.Join('\n', log.Split('\n').TakeLast(lines));
}
