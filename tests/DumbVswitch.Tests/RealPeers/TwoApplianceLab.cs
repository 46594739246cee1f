// Issue 10's lab with two appliances sharing one VSI store on a real etcd: `hairpin bridge` a and b,
// each in its own namespace with an `evb: bridge` port (hv1 on a, hv2 on b) toward its own hypervisor
// (a `dumb-vswitch` in its namespace), a VLAN 10 trunk between them, host C on a and host D on b
// (access VLAN 10). VM A is configured on both hypervisors with the same VSI and the same MAC and IP;
// its copy on hypervisor 2 (the migration's destination) has its vswitch-side port down until a test
// brings it up. etcd runs in a namespace of its own on an address both appliances reach over their own
// link-local /30 veths, apart from the data path. Static neighbour entries everywhere: the only frames
// are the tests' own, so counters can be compared exactly. Everything is removed on dispose, even when
// the test failed.
using System.Globalization;
using System.Text.Json;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

/// <summary>What one appliance's `vsi show --json` says of a VSI.</summary>
internal sealed record ShownVsi(string? Appliance, string Port, string State, long InFrames, long OutFrames, long AclDenied);

internal sealed class TwoApplianceLab : IAsyncDisposable
{
    public const string VmMac = "02:95:00:00:00:0a";
    public const string VmAddress = "169.254.95.1";
    public const string VsiId = "5d3a1e2c-0000-4000-8000-0000000000a1";
    public const string VmVsi = $"{{ type: 42, version: 1, uuid: {VsiId}, manager: test }}";
    public const string MacC = "02:95:00:00:00:0c";
    public const string AddressC = "169.254.95.3";
    /// <summary>Host C's second address, the one VSI type 42's ACL denies.</summary>
    public const string AddressC2 = "169.254.95.13";
    public const string MacD = "02:95:00:00:00:0d";
    public const string AddressD = "169.254.95.4";
    /// <summary>The ports that face the hypervisors: the VSI's place is a/hv1 or b/hv2.</summary>
    public const string PortA = "hv1";
    public const string PortB = "hv2";
    /// <summary>The hypervisors' port for VM A (each vswitch's end of the VM's veth).</summary>
    public const string VmPort = "vma";
    public const int LeaseTtlSeconds = 3;

    /// <summary>etcd's address: on the store namespace's loopback, routed from each appliance over its own /30.</summary>
    private const string StoreAddress = "169.254.250.100";

    private readonly ProcessLab _lab = new();

    private TwoApplianceLab()
    {
    }

    public EtcdServer Etcd { get; private set; } = null!;
    public NetNamespace Store { get; private set; } = null!;
    public NetNamespace BridgeA { get; private set; } = null!;
    public NetNamespace BridgeB { get; private set; } = null!;
    public NetNamespace Hypervisor1 { get; private set; } = null!;
    public NetNamespace Hypervisor2 { get; private set; } = null!;
    public NetNamespace HostC { get; private set; } = null!;
    public NetNamespace HostD { get; private set; } = null!;
    /// <summary>VM A as it runs on hypervisor 1 (the source).</summary>
    public NetNamespace VmSource { get; private set; } = null!;
    /// <summary>VM A's copy on hypervisor 2 (the destination), its vswitch port down until it moves.</summary>
    public NetNamespace VmDestination { get; private set; } = null!;
    public ManagedProcess ApplianceA { get; private set; } = null!;
    public ManagedProcess ApplianceB { get; private set; } = null!;
    public ManagedProcess Vswitch1 { get; private set; } = null!;
    public ManagedProcess Vswitch2 { get; private set; } = null!;

    /// <param name="policy">Top-level YAML both appliances get: `acls:` and `vsi_types:` (type 42 is VM A's).</param>
    public static async Task<TwoApplianceLab> StartAsync(string policy)
    {
        var lab = new TwoApplianceLab();
        try
        {
            lab.Store = await lab._lab.NamespaceAsync();
            lab.BridgeA = await lab._lab.NamespaceAsync();
            lab.BridgeB = await lab._lab.NamespaceAsync();
            lab.Hypervisor1 = await lab._lab.NamespaceAsync();
            lab.Hypervisor2 = await lab._lab.NamespaceAsync();
            lab.HostC = await lab._lab.NamespaceAsync();
            lab.HostD = await lab._lab.NamespaceAsync();
            lab.VmSource = await lab._lab.NamespaceAsync();
            lab.VmDestination = await lab._lab.NamespaceAsync();

            await lab.Store.IpAsync("addr", "add", StoreAddress + "/32", "dev", "lo");
            await StoreLinkAsync(lab.Store, "to-a", "169.254.250.1", lab.BridgeA, "169.254.250.2");
            await StoreLinkAsync(lab.Store, "to-b", "169.254.250.5", lab.BridgeB, "169.254.250.6");
            lab.Etcd = await EtcdServer.StartAsync(lab.Store.Name, StoreAddress);
            lab._lab.Own(lab.Etcd);

            await NetNamespace.VethAsync(lab.Hypervisor1, "uplink", lab.BridgeA, PortA);
            await NetNamespace.VethAsync(lab.Hypervisor2, "uplink", lab.BridgeB, PortB);
            await NetNamespace.VethAsync(lab.HostC, "eth0", lab.BridgeA, "hostc");
            await NetNamespace.VethAsync(lab.HostD, "eth0", lab.BridgeB, "hostd");
            await NetNamespace.VethAsync(lab.BridgeA, "trunk", lab.BridgeB, "trunk");
            await NetNamespace.VethAsync(lab.Hypervisor1, VmPort, lab.VmSource, "eth0");
            await NetNamespace.VethAsync(lab.Hypervisor2, VmPort, lab.VmDestination, "eth0");
            await lab.Hypervisor2.IpAsync("link", "set", VmPort, "down");

            await ProcessLab.HostAsync(lab.HostC, MacC, AddressC);
            await lab.HostC.IpAsync("addr", "add", AddressC2 + "/16", "dev", "eth0");
            await ProcessLab.HostAsync(lab.HostD, MacD, AddressD);
            foreach (NetNamespace vm in (NetNamespace[])[lab.VmSource, lab.VmDestination])
            {
                await ProcessLab.HostAsync(vm, VmMac, VmAddress);
                await ProcessLab.StaticNeighbourAsync(vm, AddressC, MacC);
                await ProcessLab.StaticNeighbourAsync(vm, AddressC2, MacC);
                await ProcessLab.StaticNeighbourAsync(vm, AddressD, MacD);
            }
            await ProcessLab.StaticNeighbourAsync(lab.HostC, VmAddress, VmMac);
            await ProcessLab.StaticNeighbourAsync(lab.HostD, VmAddress, VmMac);

            lab.ApplianceA = await lab.ApplianceAsync(lab.BridgeA, "a", PortA, "hostc", policy);
            lab.ApplianceB = await lab.ApplianceAsync(lab.BridgeB, "b", PortB, "hostd", policy);
            lab.Vswitch1 = await lab.VswitchAsync(lab.Hypervisor1);
            lab.Vswitch2 = await lab.VswitchAsync(lab.Hypervisor2);

            Assert.True(await Eventually.HoldsAsync(() => UpCount(lab.ApplianceA) == 3 && UpCount(lab.ApplianceB) == 3, 15_000), $"every appliance port up{lab.Diagnostics()}");
            Assert.True(await Eventually.HoldsAsync(() => UpCount(lab.Vswitch1) == 2 && UpCount(lab.Vswitch2) == 1, 15_000), $"the vswitches' uplinks and hypervisor 1's VM up{lab.Diagnostics()}");
            Assert.True(await Eventually.HoldsAsync(() => lab.LocalVsi(lab.ApplianceA) is { State: "associated", Port: PortA }, 30_000), $"VM A associated on a/{PortA}{lab.Diagnostics()}");
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>The store's address on the appliances' side: each appliance's own /30 to the store namespace, a route to etcd through it.</summary>
    private static async Task StoreLinkAsync(NetNamespace store, string storeEnd, string storeAddress, NetNamespace bridge, string bridgeAddress)
    {
        await NetNamespace.VethAsync(store, storeEnd, bridge, "store");
        await store.IpAsync("addr", "add", storeAddress + "/30", "dev", storeEnd);
        await bridge.IpAsync("addr", "add", bridgeAddress + "/30", "dev", "store");
        await bridge.IpAsync("route", "add", StoreAddress + "/32", "via", storeAddress, "dev", "store");
    }

    private async Task<ManagedProcess> ApplianceAsync(NetNamespace ns, string name, string evbPort, string hostPort, string policy)
    {
        ManagedProcess appliance = await ManagedProcess.StartApplianceAsync(ns.Name, $"""
            ports:
              - name: {evbPort}
                attach: {"{"} afpacket: {evbPort} {"}"}
                evb: bridge
              - name: {hostPort}
                attach: {"{"} afpacket: {hostPort} {"}"}
                vlan: 10
              - name: trunk
                attach: {"{"} afpacket: trunk {"}"}
                vlan: {"{"} trunk: "10", native: 1 {"}"}
            store:
              etcd: [ "{Etcd.Endpoint}" ]
              prefix: /hairpin
              name: {name}
              lease_ttl: {LeaseTtlSeconds}
            {policy}
            """);
        return _lab.Own(appliance);
    }

    private async Task<ManagedProcess> VswitchAsync(NetNamespace hypervisor)
    {
        ManagedProcess vswitch = await ManagedProcess.StartVswitchAsync(hypervisor.Name,
            $"uplink: {{ afpacket: uplink }}\nvms:\n  - name: vm-a\n    mac: \"{VmMac}\"\n    attach: {{ afpacket: {VmPort} }}\n    vsi: {VmVsi}\n");
        return _lab.Own(vswitch);
    }

    /// <summary>
    /// Migrates VM A the way a hypervisor does (RootDemo's order): the destination's port comes up and its
    /// station associates the VSI on b, then the source's port goes down (the dumb vswitch sees its own
    /// interface's admin state, not carrier). Returns once b holds it and the source's port is down.
    /// </summary>
    public async Task MoveToBAsync()
    {
        await Hypervisor2.IpAsync("link", "set", VmPort, "up");
        Assert.True(await Eventually.HoldsAsync(() => LocalVsi(ApplianceB) is { State: "associated", Port: PortB }, 20_000), $"VM A associated on b/{PortB}{Diagnostics()}");
        await Hypervisor1.IpAsync("link", "set", VmPort, "down");
    }

    /// <summary>The VSI as an appliance shows it among its own (appliance = its name), or null.</summary>
    public ShownVsi? LocalVsi(ManagedProcess appliance)
    {
        string self = appliance == ApplianceA ? "a" : "b";
        return Shown(appliance).FirstOrDefault(vsi => vsi.Appliance == self);
    }

    /// <summary>Every row `vsi show --json` has for VM A's VSI on <paramref name="appliance"/> (its own and the store's).</summary>
    public static List<ShownVsi> Shown(ManagedProcess appliance)
    {
        var (exit, output, _) = appliance.Cli("--json", "vsi", "show");
        if (exit != 0)
        {
            return [];
        }
        using JsonDocument document = JsonDocument.Parse(output);
        return [.. document.RootElement.EnumerateArray()
            .Where(vsi => vsi.GetProperty("vsiId").GetString() == VsiId)
            .Select(vsi =>
            {
                JsonElement counters = vsi.GetProperty("counters");
                long denied = counters.GetProperty("drops").TryGetProperty("acl-denied", out JsonElement count) ? count.GetInt64() : 0;
                return new ShownVsi(vsi.GetProperty("appliance").GetString(), vsi.GetProperty("port").GetString()!, vsi.GetProperty("state").GetString()!,
                    counters.GetProperty("in").GetProperty("frames").GetInt64(), counters.GetProperty("out").GetProperty("frames").GetInt64(), denied);
            })];
    }

    /// <summary>`ping -c COUNT -i INTERVAL` from <paramref name="ns"/>; what it sent and got back, and which sequence numbers went unanswered.</summary>
    public static async Task<PingRun> PingAsync(NetNamespace ns, string address, int count, double interval)
    {
        string text = interval.ToString(CultureInfo.InvariantCulture);
        ProcessRunner.Result result = await ns.ExecAsync(
            ["ping", "-n", "-c", count.ToString(CultureInfo.InvariantCulture), "-i", text, "-W", "1", address],
            check: false, timeout: TimeSpan.FromSeconds((count * interval) + 15));
        int[] answered = [.. result.Output.Split('\n')
            .Where(line => line.Contains("bytes from", StringComparison.Ordinal))
            .Select(line => int.Parse(line.Split("icmp_seq=")[1].Split(' ')[0], CultureInfo.InvariantCulture))];
        HashSet<int> received = [.. answered];
        return new PingRun(count, received.Count, answered.Length, [.. Enumerable.Range(1, count).Where(seq => !received.Contains(seq))]);
    }

    private static int UpCount(ManagedProcess program) =>
        program.HasExited ? -1 : program.Cli("link", "show").Output.Split('\n').Count(line => line.Contains(" up ", StringComparison.Ordinal));

    /// <summary>What every program says, for failure messages.</summary>
    public string Diagnostics()
    {
        var text = new System.Text.StringBuilder();
        foreach ((string name, ManagedProcess? program) in new (string, ManagedProcess?)[] { ("appliance a", ApplianceA), ("appliance b", ApplianceB) })
        {
            if (program is null)
            {
                continue;
            }
            text.Append(CultureInfo.InvariantCulture, $"\n{name}:");
            if (!program.HasExited)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n{program.Cli("link", "show").Output}{program.Cli("vsi", "show").Output}{program.Cli("fdb", "show").Output}");
            }
            text.Append(CultureInfo.InvariantCulture, $"log:\n{ProcessLab.Tail(program.Log)}");
        }
        foreach ((string name, ManagedProcess? program) in new (string, ManagedProcess?)[] { ("vswitch 1", Vswitch1), ("vswitch 2", Vswitch2) })
        {
            if (program is not null && !program.HasExited)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n{name}:\n{program.Cli("link", "show").Output}{program.Cli("vsi", "show").Output}log:\n{ProcessLab.Tail(program.Log)}");
            }
        }
        if (Etcd is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"\netcd log:\n{ProcessLab.Tail(Etcd.Log)}");
        }
        return text.ToString();
    }

    /// <summary>Stations first, then appliances, then etcd: the reverse of the start; then the namespaces.</summary>
    public ValueTask DisposeAsync() => _lab.DisposeAsync();
}

/// <param name="Received">Requests answered at least once.</param>
/// <param name="Replies">Every reply that came back, duplicates too (each was a frame from the VM).</param>
/// <param name="Unanswered">The icmp_seq numbers that got no reply.</param>
internal sealed record PingRun(int Sent, int Received, int Replies, IReadOnlyList<int> Unanswered)
{
    public int Lost => Sent - Received;
}
