// Two appliances sharing one VSI store on a real etcd, each with lldpad as the station on its `evb:`
// port (as libvirt drives it): the lab for VMs moving between appliances and for two appliances
// claiming one VSI at once. etcd runs in namespace `qet` on 169.254.250.1 (its loopback); each
// appliance namespace reaches it over a veth /30 of its own (169.254.251.0/30 for a, .4/30 for b) and
// a host route. Each appliance is LldpadStationLab's: station namespace on hv1, host namespace on the
// access port `up` (VLAN 10) with an address the VM's type (42) denies. Everything goes on dispose,
// also when starting failed half way.
using System.Globalization;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed class TwoApplianceLldpadLab : IAsyncDisposable
{
    public const string VmMac = "52:54:00:8e:bb:11";
    public const string VmUuid = "b1412857-60f7-4ce1-e95a-2164943f53aa";
    public const string VmAddress = "169.254.10.1";
    public const string HostAddress = "169.254.10.2";
    public const string DeniedAddress = "169.254.10.3";
    public const string EtcdAddress = "169.254.250.1";
    /// <summary>Both ends use RKA 16 (a 0.66 s keep-alive), so many keep-alives take seconds.</summary>
    public const int KeepAliveExponent = 16;
    /// <summary>
    /// ECP's acknowledgement timeout exponent on our side: RTE 12 (41 ms; lldpad's default 8 is 2.56 ms).
    /// Both ends run with the larger exponent, so lldpad waits 41 ms too. With 2.56 ms, lldpad's ECP gives
    /// up after about 10 ms (three resends) when it or our forwarding thread is scheduled late by that
    /// much, which a 2-core machine running three test suites does now and then, and the exchange is left
    /// to VDP's far longer timers (specs/qbg-ecp.md).
    /// </summary>
    public const int RetransmitExponent = 12;
    /// <summary>The appliances' lease: a dead one's VSIs are lost after 3 s.</summary>
    public const int LeaseTtlSeconds = 3;

    private readonly List<IAsyncDisposable> _owned;

    private TwoApplianceLldpadLab(List<IAsyncDisposable> owned, EtcdServer etcd, LldpadApplianceSide a, LldpadApplianceSide b)
    {
        _owned = owned;
        Etcd = etcd;
        A = a;
        B = b;
    }

    public EtcdServer Etcd { get; }
    public LldpadApplianceSide A { get; }
    public LldpadApplianceSide B { get; }

    /// <summary>Starts etcd, both appliances connected to it and both lldpad stations, and waits until relay is granted at both.</summary>
    public static async Task<TwoApplianceLldpadLab> StartAsync()
    {
        var net = new NetLab();
        var owned = new List<IAsyncDisposable> { net };   // disposed last to first: stations, appliances, etcd, the network
        try
        {
            string store = await net.NamespaceAsync("qet");
            await NetLab.AddressAsync(store, "lo", EtcdAddress + "/32");
            EtcdServer etcd = await EtcdServer.StartAsync(store, EtcdAddress);
            owned.Add(etcd);
            LldpadApplianceSide a = await StartSideAsync(net, owned, store, etcd, "a", 0);
            LldpadApplianceSide b = await StartSideAsync(net, owned, store, etcd, "b", 4);
            await Task.WhenAll(a.WaitForStoreAsync(), b.WaitForStoreAsync(), a.WaitForEvbAsync(), b.WaitForEvbAsync());
            return new TwoApplianceLldpadLab(owned, etcd, a, b);
        }
        catch
        {
            await DisposeAllAsync(owned);
            throw;
        }
    }

    /// <param name="subnet">The last octet the side's /30 toward etcd starts at (0 or 4).</param>
    private static async Task<LldpadApplianceSide> StartSideAsync(NetLab net, List<IAsyncDisposable> owned, string store, EtcdServer etcd, string name, int subnet)
    {
        string bridge = await net.NamespaceAsync("qa" + name);
        string station = await net.NamespaceAsync("qs" + name);
        string host = await net.NamespaceAsync("qh" + name);
        string etcdSide = string.Create(CultureInfo.InvariantCulture, $"169.254.251.{subnet + 1}");
        string applianceSide = string.Create(CultureInfo.InvariantCulture, $"169.254.251.{subnet + 2}");
        await net.VethAsync(store, "to-" + name, bridge, "store0");
        await NetLab.AddressAsync(store, "to-" + name, etcdSide + "/30");
        await NetLab.AddressAsync(bridge, "store0", applianceSide + "/30");
        await NetLab.Ip("-n", bridge, "route", "add", EtcdAddress + "/32", "via", etcdSide);
        await net.VethAsync(station, "st0", bridge, "hv1");
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
            store: { etcd: [ "{{etcd.Endpoint}}" ], name: {{name}}, lease_ttl: {{LeaseTtlSeconds}} }
            """;
        ManagedProcess appliance = await ManagedProcess.StartApplianceAsync(bridge, yaml);
        owned.Add(appliance);
        LldpadPeer lldpad = await LldpadPeer.StartStationAsync(station, "st0", KeepAliveExponent);
        owned.Add(lldpad);
        return new LldpadApplianceSide(name, appliance, lldpad, station, host);
    }

    public string Diagnostics() => A.Diagnostics() + B.Diagnostics();

    public async ValueTask DisposeAsync() => await DisposeAllAsync(_owned);

    private static async Task DisposeAllAsync(List<IAsyncDisposable> owned)
    {
        for (int i = owned.Count - 1; i >= 0; i--)
        {
            await owned[i].DisposeAsync();
        }
        owned.Clear();
    }
}
