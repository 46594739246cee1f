// lldpad as the 802.1Qbg station (as libvirt drives it) in front of the real appliance: namespace
// `st` runs lldpad on st0, whose veth peer is the appliance's `evb:` port hv1; the VM's traffic is
// crafted with scapy on st0 (tagged VLAN 10, the VM's MAC: this kernel has no VLAN devices); host
// namespace `h` sits on port `up`, an access port of VLAN 10, with two addresses, one of which the
// VM's type (42) denies. Everything goes on dispose.
namespace Hairpin.Host.Tests.Infrastructure;

public sealed class LldpadStationLab : IAsyncDisposable
{
    public const string VmMac = "52:54:00:8e:aa:11";
    public const string SecondVmMac = "52:54:00:8e:aa:12";
    public const string VmAddress = "169.254.10.1";
    public const string HostAddress = "169.254.10.2";
    public const string DeniedAddress = "169.254.10.3";
    public const string VmUuid = "a1412857-60f7-4ce1-e95a-2164943f53aa";
    public const string SecondVmUuid = "a1412857-60f7-4ce1-e95a-2164943f53ab";
    /// <summary>Both ends use RKA 16 (a 0.66 s keep-alive; the bridge's window is three of them), so minutes of keep-alives take seconds.</summary>
    public const int KeepAliveExponent = 16;
    /// <summary>
    /// ECP's acknowledgement timeout exponent on our side: RTE 12 (41 ms; lldpad's default 8 is 2.56 ms).
    /// Both ends run with the larger exponent, so lldpad waits 41 ms too. With 2.56 ms, lldpad's ECP gives
    /// up after about 10 ms (three resends) when it or our forwarding thread is scheduled late by that
    /// much, which a 2-core machine running three test suites does now and then, and the exchange is left
    /// to VDP's far longer timers (specs/qbg-ecp.md).
    /// </summary>
    public const int RetransmitExponent = 12;

    private LldpadStationLab(NetLab net, ManagedProcess appliance, LldpadPeer station, string stationNs, string hostNs)
    {
        Net = net;
        Appliance = appliance;
        Station = station;
        StationNamespace = stationNs;
        HostNamespace = hostNs;
    }

    public NetLab Net { get; }
    public ManagedProcess Appliance { get; }
    public LldpadPeer Station { get; }
    public string StationNamespace { get; }
    public string HostNamespace { get; }

    public static async Task<LldpadStationLab> StartAsync()
    {
        var net = new NetLab();
        LldpadPeer? station = null;
        ManagedProcess? appliance = null;
        try
        {
            string bridge = await net.NamespaceAsync("qbr");
            string st = await net.NamespaceAsync("qst");
            string host = await net.NamespaceAsync("qh");
            await net.VethAsync(st, "st0", bridge, "hv1");
            await net.VethAsync(host, "h0", bridge, "trunk0");
            await NetLab.AddressAsync(host, "h0", HostAddress + "/24");
            await NetLab.AddressAsync(host, "h0", DeniedAddress + "/24");
            await NetLab.Ip("-n", host, "neigh", "add", VmAddress, "lladdr", VmMac, "dev", "h0", "nud", "permanent");
            string yaml = $$"""
                ports:
                  - name: hv1
                    attach: { afpacket: hv1 }
                    evb: { role: bridge, keep_alive_exponent: {{KeepAliveExponent}}, retransmit_exponent: {{RetransmitExponent}} }
                  - name: up
                    attach: { afpacket: trunk0 }
                    vlan: 10
                acls:
                  - name: web-tier
                    default: permit
                    rules:
                      - { name: no-admin-host, action: deny, dst_ip: {{DeniedAddress}}/32 }
                vsi_types:
                  - { id: 42, version: 1, vlan: 10, acl: web-tier }
                """;
            appliance = await ManagedProcess.StartApplianceAsync(bridge, yaml);
            station = await LldpadPeer.StartStationAsync(st, "st0", KeepAliveExponent);
            return new LldpadStationLab(net, appliance, station, st, host);
        }
        catch
        {
            if (station is not null)
            {
                await station.DisposeAsync();
            }
            if (appliance is not null)
            {
                await appliance.DisposeAsync();
            }
            await net.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until lldpad has heard the bridge's EVB TLV (VDP requests fail before that) and relay is granted.</summary>
    public async Task WaitForEvbAsync() =>
        await Eventually.TrueAsync(() => Station.NeighbourEvbAsync().GetAwaiter().GetResult().Contains("rrctr", StringComparison.Ordinal),
            "lldpad hears the bridge grant reflective relay (rrctr)", TimeSpan.FromSeconds(20));

    /// <summary>
    /// ICMP echo requests from the VM (its MAC and address, tagged VLAN 10) to <paramref name="destination"/>,
    /// sent and answered through scapy on st0; returns the replies (the host knows the VM's MAC statically).
    /// </summary>
    public async Task<int> PingFromVmAsync(string destination, int count = 3, string mac = VmMac)
    {
        ProcessRunner.Result result = await NetLab.InAsync(StationNamespace, ["/usr/bin/python3", "-c",
            "from scapy.all import Ether, Dot1Q, IP, ICMP, srp\n" +
            $"pkts = [Ether(src='{mac}', dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=10)/IP(src='{VmAddress}', dst='{destination}')/ICMP(id=7, seq=i) for i in range({count})]\n" +
            "ans, _ = srp(pkts, iface='st0', timeout=2, verbose=False)\n" +
            "print(len(ans))"], timeout: TimeSpan.FromSeconds(60));
        return int.Parse(result.Output.Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Diagnostics() =>
        $"\n{Appliance.Cli("link", "show").Output}\n{Appliance.Cli("vsi", "show").Output}\n{Appliance.Cli("stats").Output}\nappliance log:\n{Appliance.Log}\nlldpad log (tail):\n{Tail(Station.Log)}";

    private static string Tail(string log) => string.Join('\n', log.Split('\n').TakeLast(40));

    public async ValueTask DisposeAsync()
    {
        await Station.DisposeAsync();
        await Appliance.DisposeAsync();
        await Net.DisposeAsync();
    }
}
