// The root demo's network: nine namespaces named with a random suffix (vm-a, vm-b, hv, br, host-c, the
// move's destination: vm-a-dest, hv-dest, and the aggregation: agg, host-d), veth pairs between them, link-local addresses and fixed
// MACs, static neighbour entries. Everything it made is removed on dispose, also after a failure half
// way (../shared/ENVIRONMENT.md).
//
//   vm-a:eth0 --- hv:vma \                                 / br:hv1 --- hv:uplink (the VEPA uplink)
//                         dumb-vswitch (hv) -- hv:uplink --  hairpin bridge (br) -- br:hv2 --- host-c:eth0
//   vm-b:eth0 --- hv:vmb /                                 \ br:hv3 --- hv-dest:uplink
//   vm-a-dest:eth0 --- hv-dest:vma (down until the move)  dumb-vswitch (hv-dest)
//                                                          br:agg --- agg:acc  hairpin bridge (agg, the aggregation) agg:hostd --- host-d:eth0
namespace Hairpin.Host.Demo;

internal sealed class NamespaceLab : IAsyncDisposable
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(20);

    private readonly List<string> _created = [];

    private NamespaceLab(string suffix)
    {
        Suffix = suffix;
        VmA = $"vm-a-{suffix}";
        VmB = $"vm-b-{suffix}";
        Hypervisor = $"hv-{suffix}";
        Bridge = $"br-{suffix}";
        HostC = $"host-c-{suffix}";
        VmADestination = $"vm-a-dest-{suffix}";
        Destination = $"hv-dest-{suffix}";
        Aggregation = $"agg-{suffix}";
        HostD = $"host-d-{suffix}";
    }

    /// <summary>Six hex digits shared by every namespace of this run.</summary>
    public string Suffix { get; }
    public string VmA { get; }
    public string VmB { get; }
    public string Hypervisor { get; }
    public string Bridge { get; }
    public string HostC { get; }
    /// <summary>vm-a's copy on the move's destination hypervisor: the same MAC and IP as vm-a.</summary>
    public string VmADestination { get; }
    /// <summary>The move's destination hypervisor (its uplink on the bridge's hv3).</summary>
    public string Destination { get; }
    /// <summary>The aggregation appliance (its trunk down to the bridge's agg, MVRP).</summary>
    public string Aggregation { get; }
    /// <summary>A host behind the aggregation appliance.</summary>
    public string HostD { get; }

    /// <summary>Every host the lab addresses: the in-process story's three and host-d behind the aggregation.</summary>
    public static IReadOnlyList<DemoHost> Hosts { get; } = [.. DemoScenario.Hosts, DemoConfigs.HostD];

    /// <summary>Where vm-a runs: its source namespace until <see cref="VmAMoved"/>, then its destination copy.</summary>
    public bool VmAMoved { get; set; }

    /// <summary>The namespaces this lab made, in creation order.</summary>
    public IReadOnlyList<string> Namespaces => _created;

    /// <summary>The namespace each demo host lives in.</summary>
    public string NamespaceOf(DemoHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host == DemoScenario.VmA ? (VmAMoved ? VmADestination : VmA) : host == DemoScenario.VmB ? VmB : host == DemoConfigs.HostD ? HostD : HostC;
    }

    /// <summary>Builds the network for DemoScenario's three hosts and host-d; on failure removes what it made and rethrows.</summary>
    public static async Task<NamespaceLab> CreateAsync(CancellationToken cancel)
    {
        var lab = new NamespaceLab(Guid.NewGuid().ToString("N")[..6]);
        try
        {
            await lab.BuildAsync(cancel).ConfigureAwait(false);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>`ip netns exec NS COMMAND...`, bounded; the result is returned whatever the exit code.</summary>
    public static Task<LabProcess.Result> InAsync(string ns, IReadOnlyList<string> command, TimeSpan limit, CancellationToken cancel) =>
        LabProcess.RunAsync("ip", ["netns", "exec", ns, .. command], limit, cancel);

    private async Task BuildAsync(CancellationToken cancel)
    {
        foreach (string ns in new[] { VmA, VmB, Hypervisor, Bridge, HostC, VmADestination, Destination, Aggregation, HostD })
        {
            await Ip(cancel, "netns", "add", ns).ConfigureAwait(false);
            _created.Add(ns);
            await Ip(cancel, "-n", ns, "link", "set", "lo", "up").ConfigureAwait(false);
            // No IPv6: its router solicitations and MLD reports would add frames to every counter shown.
            await LabProcess.RunCheckedAsync("ip", ["netns", "exec", ns, "sysctl", "-q", "-w",
                "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"], cancel).ConfigureAwait(false);
        }
        await VethAsync(VmA, "eth0", Hypervisor, "vma", cancel).ConfigureAwait(false);
        await VethAsync(VmB, "eth0", Hypervisor, "vmb", cancel).ConfigureAwait(false);
        await VethAsync(Hypervisor, "uplink", Bridge, DemoScenario.Uplink, cancel).ConfigureAwait(false);
        await VethAsync(HostC, "eth0", Bridge, DemoScenario.Server, cancel).ConfigureAwait(false);
        await VethAsync(VmADestination, "eth0", Destination, "vma", cancel).ConfigureAwait(false);
        await VethAsync(Destination, "uplink", Bridge, DemoConfigs.DestinationUplink, cancel).ConfigureAwait(false);
        await VethAsync(Bridge, DemoConfigs.AggregationUplink, Aggregation, DemoConfigs.AggregationDownlink, cancel).ConfigureAwait(false);
        await VethAsync(HostD, "eth0", Aggregation, DemoConfigs.HostDPort, cancel).ConfigureAwait(false);
        foreach (DemoHost host in Hosts)
        {
            await AddressAsync(NamespaceOf(host), host, cancel).ConfigureAwait(false);
        }
        await AddressAsync(VmADestination, DemoScenario.VmA, cancel).ConfigureAwait(false);
        // No VM on the destination yet: its port there is down, so that dumb vswitch asks nothing for vm-a
        // (its station follows the port's state, as the hypervisor's tap comes and goes with the VM).
        await SetLinkAsync(Destination, "vma", up: false, cancel).ConfigureAwait(false);
    }

    /// <summary>The host's MAC and address on eth0 in <paramref name="ns"/>, and static neighbour entries for the others.</summary>
    private static async Task AddressAsync(string ns, DemoHost host, CancellationToken cancel)
    {
        await Ip(cancel, "-n", ns, "link", "set", "eth0", "down").ConfigureAwait(false);
        await Ip(cancel, "-n", ns, "link", "set", "eth0", "address", host.Mac.ToString()).ConfigureAwait(false);
        await Ip(cancel, "-n", ns, "addr", "add", $"{host.IpText}/16", "dev", "eth0").ConfigureAwait(false);
        await Ip(cancel, "-n", ns, "link", "set", "eth0", "up").ConfigureAwait(false);
        // Static neighbours: with ARP pending the kernel holds pings and sends them late, which
        // would blur "before" and "after" a toggle; this way each ping stands alone.
        foreach (DemoHost other in Hosts.Where(other => other != host))
        {
            await Ip(cancel, "-n", ns, "neigh", "replace", other.IpText, "lladdr", other.Mac.ToString(), "dev", "eth0", "nud", "permanent").ConfigureAwait(false);
        }
    }

    /// <summary>`ip -n NS link set DEVICE up|down`.</summary>
    public static Task SetLinkAsync(string ns, string device, bool up, CancellationToken cancel) =>
        Ip(cancel, "-n", ns, "link", "set", device, up ? "up" : "down");

    /// <summary>`ip neigh replace` in <paramref name="host"/>'s namespace: its frames for <paramref name="other"/>'s IP go to <paramref name="mac"/>.</summary>
    public Task SetNeighbourAsync(DemoHost host, DemoHost other, string mac, CancellationToken cancel) =>
        Ip(cancel, "-n", NamespaceOf(host), "neigh", "replace", other.IpText, "lladdr", mac, "dev", "eth0", "nud", "permanent");

    private static async Task VethAsync(string leftNs, string left, string rightNs, string right, CancellationToken cancel)
    {
        await Ip(cancel, "link", "add", left, "netns", leftNs, "type", "veth", "peer", "name", right, "netns", rightNs).ConfigureAwait(false);
        await Ip(cancel, "-n", leftNs, "link", "set", left, "up").ConfigureAwait(false);
        await Ip(cancel, "-n", rightNs, "link", "set", right, "up").ConfigureAwait(false);
    }

    private static Task Ip(CancellationToken cancel, params string[] arguments) => LabProcess.RunCheckedAsync("ip", arguments, cancel);

    /// <summary>Deletes the namespaces (their veths go with them). Never cancelled: cleanup runs to the end.</summary>
    public async ValueTask DisposeAsync()
    {
        for (int i = _created.Count - 1; i >= 0; i--)
        {
            await LabProcess.RunAsync("ip", ["netns", "del", _created[i]], CommandLimit, CancellationToken.None).ConfigureAwait(false);
        }
        _created.Clear();
    }
}
