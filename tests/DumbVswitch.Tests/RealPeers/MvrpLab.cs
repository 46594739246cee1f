// Issue 13's lab: VLANs that follow the VM up to aggregation. Three `hairpin bridge` processes, each in
// its own namespace: access appliances acc1 and acc2, each with an `evb: bridge` port (hv) toward its
// own hypervisor (a `dumb-vswitch`) and an MVRP trunk (`trunk`, static VLAN 1 only) to the aggregation
// appliance agg, whose two MVRP trunks (down1, down2) face them and whose access port (hostx, VLAN 10,
// declared with `declare_static`) has host X. VM A (VSI type 42: VLAN 10) is configured on both
// hypervisors with the same VSI, MAC and IP, its vswitch-side port down on both until a test brings
// it up (the dumb vswitch associates a VM when its port comes up and de-associates it when it goes
// down). tcpdump records what crosses the acc1 - agg trunk, for tshark to decode. Everything is removed on dispose, even after a failure.
using System.Globalization;
using System.Text.Json;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

/// <summary>What `mvrp show --json` says of one port: the VIDs registered there, and those MVRP added to its members.</summary>
internal sealed record ShownMvrpPort(string Port, int[] Declared, int[] Registered, int[] Dynamic, long PdusReceived, long Malformed);

internal sealed class MvrpLab : IAsyncDisposable
{
    public const string VmMac = "02:96:00:00:00:0a";
    public const string VmAddress = "169.254.96.1";
    public const string VsiId = "5d3a1e2c-0000-4000-8000-0000000000b1";
    public const string HostMac = "02:96:00:00:00:0c";
    public const string HostAddress = "169.254.96.3";
    public const string VmPort = "vma";
    public const int Vlan = 10;

    private readonly ProcessLab _lab = new();
    private readonly List<Task<ProcessRunner.Result>> _captures = [];

    private MvrpLab(string directory)
    {
        CaptureFiles = [Path.Combine(directory, "agg-down1.pcap"), Path.Combine(directory, "acc1-trunk.pcap")];
    }

    public NetNamespace Aggregation { get; private set; } = null!;
    public NetNamespace Access1 { get; private set; } = null!;
    public NetNamespace Access2 { get; private set; } = null!;
    public NetNamespace Hypervisor1 { get; private set; } = null!;
    public NetNamespace Hypervisor2 { get; private set; } = null!;
    public NetNamespace HostX { get; private set; } = null!;
    /// <summary>VM A on hypervisor 1 and its copy on hypervisor 2 (a migration's source and destination).</summary>
    public NetNamespace Vm1 { get; private set; } = null!;
    public NetNamespace Vm2 { get; private set; } = null!;
    public ManagedProcess Agg { get; private set; } = null!;
    public ManagedProcess Acc1 { get; private set; } = null!;
    public ManagedProcess Acc2 { get; private set; } = null!;
    public ManagedProcess Vswitch1 { get; private set; } = null!;
    public ManagedProcess Vswitch2 { get; private set; } = null!;
    /// <summary>
    /// What tcpdump heard arrive at each end of the acc1 - agg trunk: at agg's down1 (acc1's MVRPDUs) and
    /// at acc1's trunk (agg's). Each end's own sends bypass the qdisc (PACKET_QDISC_BYPASS), where taps
    /// never see them, so each direction is recorded where it arrives.
    /// </summary>
    public IReadOnlyList<string> CaptureFiles { get; }

    /// <param name="captureSeconds">How long tcpdump records what crosses agg's down1 (from the start).</param>
    public static async Task<MvrpLab> StartAsync(int captureSeconds = 0)
    {
        var lab = new MvrpLab(Directory.CreateTempSubdirectory("mvrp-").FullName);
        try
        {
            lab.Aggregation = await lab._lab.NamespaceAsync();
            lab.Access1 = await lab._lab.NamespaceAsync();
            lab.Access2 = await lab._lab.NamespaceAsync();
            lab.Hypervisor1 = await lab._lab.NamespaceAsync();
            lab.Hypervisor2 = await lab._lab.NamespaceAsync();
            lab.HostX = await lab._lab.NamespaceAsync();
            lab.Vm1 = await lab._lab.NamespaceAsync();
            lab.Vm2 = await lab._lab.NamespaceAsync();

            await NetNamespace.VethAsync(lab.Access1, "trunk", lab.Aggregation, "down1");
            await NetNamespace.VethAsync(lab.Access2, "trunk", lab.Aggregation, "down2");
            await NetNamespace.VethAsync(lab.HostX, "eth0", lab.Aggregation, "hostx");
            await NetNamespace.VethAsync(lab.Hypervisor1, "uplink", lab.Access1, "hv");
            await NetNamespace.VethAsync(lab.Hypervisor2, "uplink", lab.Access2, "hv");
            await NetNamespace.VethAsync(lab.Hypervisor1, VmPort, lab.Vm1, "eth0");
            await NetNamespace.VethAsync(lab.Hypervisor2, VmPort, lab.Vm2, "eth0");
            await lab.Hypervisor1.IpAsync("link", "set", VmPort, "down");
            await lab.Hypervisor2.IpAsync("link", "set", VmPort, "down");

            await ProcessLab.HostAsync(lab.HostX, HostMac, HostAddress);
            foreach (NetNamespace vm in (NetNamespace[])[lab.Vm1, lab.Vm2])
            {
                await ProcessLab.HostAsync(vm, VmMac, VmAddress);
                await ProcessLab.StaticNeighbourAsync(vm, HostAddress, HostMac);
            }
            await ProcessLab.StaticNeighbourAsync(lab.HostX, VmAddress, VmMac);

            if (captureSeconds > 0)
            {
                lab._captures.Add(Capture(lab.Aggregation, "down1", lab.CaptureFiles[0], captureSeconds));
                lab._captures.Add(Capture(lab.Access1, "trunk", lab.CaptureFiles[1], captureSeconds));
                await Task.Delay(500);   // tcpdump opens its socket before the first MVRPDU
            }
            lab.Agg = await lab.ApplianceAsync(lab.Aggregation,
                """
                  - { name: down1, attach: { afpacket: down1 }, vlan: { trunk: "1", native: 1 }, mvrp: true, bpdu_guard: false }
                  - { name: down2, attach: { afpacket: down2 }, vlan: { trunk: "1", native: 1 }, mvrp: true, bpdu_guard: false }
                  - { name: hostx, attach: { afpacket: hostx }, vlan: 10 }
                mvrp: { declare_static: true }
                """);
            lab.Acc1 = await lab.ApplianceAsync(lab.Access1, AccessPorts);
            lab.Acc2 = await lab.ApplianceAsync(lab.Access2, AccessPorts);
            lab.Vswitch1 = await lab.VswitchAsync(lab.Hypervisor1);
            lab.Vswitch2 = await lab.VswitchAsync(lab.Hypervisor2);

            Assert.True(await Eventually.HoldsAsync(() => UpCount(lab.Agg) == 3 && UpCount(lab.Acc1) == 2 && UpCount(lab.Acc2) == 2, 15_000), $"every appliance port up{lab.Diagnostics()}");
            // agg declares VLAN 10 (its host's, declare_static): both access uplinks register it before any VM runs.
            Assert.True(await Eventually.HoldsAsync(() => MvrpLab.Port(lab.Acc1, "trunk")?.Registered.Contains(Vlan) == true && MvrpLab.Port(lab.Acc2, "trunk")?.Registered.Contains(Vlan) == true, 15_000),
                $"VLAN 10 registered on both access uplinks{lab.Diagnostics()}");
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private const string AccessPorts =
        """
          - { name: hv, attach: { afpacket: hv }, evb: bridge }
          - { name: trunk, attach: { afpacket: trunk }, vlan: { trunk: "1", native: 1 }, mvrp: true, bpdu_guard: false }
        vsi_types:
          - { id: 42, version: 1, vlan: 10 }
        """;

    private async Task<ManagedProcess> ApplianceAsync(NetNamespace ns, string body)
    {
        return _lab.Own(await ManagedProcess.StartApplianceAsync(ns.Name, "loop_detection: false\nports:\n" + body + "\n"));
    }

    private async Task<ManagedProcess> VswitchAsync(NetNamespace hypervisor)
    {
        return _lab.Own(await ManagedProcess.StartVswitchAsync(hypervisor.Name,
            $"uplink: {{ afpacket: uplink }}\nvms:\n  - name: vm-a\n    mac: \"{VmMac}\"\n    attach: {{ afpacket: {VmPort} }}\n    vsi: {{ type: 42, version: 1, uuid: {VsiId}, manager: test }}\n"));
    }

    /// <summary>Brings VM A's port up on a hypervisor: its dumb vswitch associates the VM with its appliance.</summary>
    public static Task StartVmAsync(NetNamespace hypervisor) => hypervisor.IpAsync("link", "set", VmPort, "up");

    /// <summary>Takes VM A's port down on a hypervisor: its dumb vswitch de-associates the VM.</summary>
    public static Task StopVmAsync(NetNamespace hypervisor) => hypervisor.IpAsync("link", "set", VmPort, "down");

    /// <summary>VM A's state at an access appliance (`vsi show`), or null when it has none.</summary>
    public static string? VsiState(ManagedProcess appliance)
    {
        var (exit, output, _) = appliance.Cli("--json", "vsi", "show");
        if (exit != 0)
        {
            return null;
        }
        using JsonDocument document = JsonDocument.Parse(output);
        return document.RootElement.EnumerateArray().Where(vsi => vsi.GetProperty("vsiId").GetString() == VsiId)
            .Select(vsi => vsi.GetProperty("state").GetString()).FirstOrDefault();
    }

    /// <summary>One MVRP port as `mvrp show dev PORT --json` says, or null when the CLI could not say.</summary>
    public static ShownMvrpPort? Port(ManagedProcess appliance, string port)
    {
        var (exit, output, _) = appliance.Cli("--json", "mvrp", "show", "dev", port);
        if (exit != 0)
        {
            return null;
        }
        using JsonDocument document = JsonDocument.Parse(output);
        return document.RootElement.EnumerateArray().Select(shown =>
        {
            JsonElement counters = shown.GetProperty("counters");
            return new ShownMvrpPort(shown.GetProperty("port").GetString()!, Vids(shown, "declared"), Vids(shown, "registered"), Vids(shown, "dynamic"),
                counters.GetProperty("pdusReceived").GetInt64(), counters.GetProperty("malformed").EnumerateObject().Sum(reason => reason.Value.GetInt64()));
        }).SingleOrDefault();
    }

    private static int[] Vids(JsonElement shown, string name) => [.. shown.GetProperty(name).EnumerateArray().Select(vid => vid.GetInt32())];

    /// <summary>`ping` from <paramref name="ns"/> to <paramref name="address"/>: replies received.</summary>
    public static async Task<int> PingAsync(NetNamespace ns, string address, int count = 3)
    {
        ProcessRunner.Result result = await ns.ExecAsync(["ping", "-n", "-c", count.ToString(CultureInfo.InvariantCulture), "-i", "0.2", "-W", "1", address],
            check: false, timeout: TimeSpan.FromSeconds(count + 10));
        return result.Output.Split('\n').Count(line => line.Contains("bytes from", StringComparison.Ordinal));
    }

    private static Task<ProcessRunner.Result> Capture(NetNamespace ns, string device, string file, int seconds) =>
        NetLab.InAsync(ns.Name, ["timeout", seconds.ToString(CultureInfo.InvariantCulture), "tcpdump", "-Z", "root", "-i", device, "-n", "-U", "-w", file],
            check: false, timeout: TimeSpan.FromSeconds(seconds + 10));

    /// <summary>Waits for the captures to end (their time is up) so the files are complete.</summary>
    public async Task StopCaptureAsync()
    {
        await Task.WhenAll(_captures);
        _captures.Clear();
    }

    private static int UpCount(ManagedProcess program) =>
        program.HasExited ? -1 : program.Cli("link", "show").Output.Split('\n').Count(line => line.Contains(" up ", StringComparison.Ordinal));

    /// <summary>What every appliance says, for failure messages.</summary>
    public string Diagnostics()
    {
        var text = new System.Text.StringBuilder();
        foreach ((string name, ManagedProcess? program) in new (string, ManagedProcess?)[] { ("agg", Agg), ("acc1", Acc1), ("acc2", Acc2) })
        {
            if (program is null)
            {
                continue;
            }
            text.Append(CultureInfo.InvariantCulture, $"\n{name}:");
            if (!program.HasExited)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n{program.Cli("link", "show").Output}{program.Cli("mvrp", "show").Output}{program.Cli("vsi", "show").Output}");
            }
            text.Append(CultureInfo.InvariantCulture, $"log:\n{ProcessLab.Tail(program.Log)}");
        }
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await StopCaptureAsync();
        try
        {
            await _lab.DisposeAsync();
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(CaptureFiles[0])!, recursive: true);
        }
    }
}
