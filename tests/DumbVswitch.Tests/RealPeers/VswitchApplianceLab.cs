// The issue's lab with both of Hairpin's programs, each a child process in its own namespace: VMs are
// namespaces whose eth0 is a veth into the "hypervisor" namespace, where `dumb-vswitch` attaches them
// (AF_PACKET) and sends everything up its uplink veth, whose far end is port hv1 of `hairpin bridge`
// in the "bridge" namespace; host C is a namespace on the appliance's hv2. Link-local addresses, IPv6
// off (the only frames are the test's own), everything removed on dispose even when a test failed.
using System.Globalization;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

/// <param name="Vsi">The VM's `vsi:` mapping for the station role (e.g. "{ type: 42, version: 1, uuid: ... }"), or null.</param>
internal sealed record LabVm(string Name, string Mac, string Address, int? Vlan = null, string? Vsi = null);

internal sealed class VswitchApplianceLab : IAsyncDisposable
{
    public const string AddressC = "169.254.93.3";
    public const string MacC = "02:93:00:00:00:0c";

    private readonly List<NetNamespace> _namespaces = [];
    private readonly Dictionary<string, NetNamespace> _vms = [];
    private ManagedProcess? _vswitch;
    private ManagedProcess? _appliance;

    private VswitchApplianceLab()
    {
    }

    public NetNamespace Bridge { get; private set; } = null!;
    public NetNamespace Hypervisor { get; private set; } = null!;
    public NetNamespace HostC { get; private set; } = null!;
    public ManagedProcess Vswitch => _vswitch!;
    public ManagedProcess Appliance => _appliance!;

    public NetNamespace Vm(string name) => _vms[name];

    /// <param name="hv1Settings">Extra YAML lines for the appliance's hv1 (indented 4), e.g. "    hairpin: true".</param>
    /// <param name="hv2Settings">The same for hv2 (host C).</param>
    /// <param name="bridgeSettings">Extra top-level YAML for the appliance (ACLs, VSI types), unindented.</param>
    public static async Task<VswitchApplianceLab> StartAsync(IReadOnlyList<LabVm> vms, string hv1Settings = "", string hv2Settings = "", string bridgeSettings = "")
    {
        var lab = new VswitchApplianceLab();
        try
        {
            lab.Bridge = await lab.NamespaceAsync();
            lab.Hypervisor = await lab.NamespaceAsync();
            lab.HostC = await lab.NamespaceAsync();
            await NetNamespace.VethAsync(lab.Hypervisor, "uplink", lab.Bridge, "hv1");
            await NetNamespace.VethAsync(lab.HostC, "eth0", lab.Bridge, "hv2");
            await ProcessLab.HostAsync(lab.HostC, MacC, AddressC);
            var vmYaml = new System.Text.StringBuilder();
            for (int index = 0; index < vms.Count; index++)
            {
                LabVm vm = vms[index];
                NetNamespace ns = await lab.NamespaceAsync();
                lab._vms[vm.Name] = ns;
                string port = $"v{index}";
                await NetNamespace.VethAsync(lab.Hypervisor, port, ns, "eth0");
                await ProcessLab.HostAsync(ns, vm.Mac, vm.Address);
                vmYaml.Append(CultureInfo.InvariantCulture, $"  - name: {vm.Name}\n    mac: \"{vm.Mac}\"\n    attach: {{ afpacket: {port} }}\n");
                if (vm.Vlan is int vlan)
                {
                    vmYaml.Append(CultureInfo.InvariantCulture, $"    vlan: {vlan}\n");
                }
                if (vm.Vsi is string vsi)
                {
                    vmYaml.Append(CultureInfo.InvariantCulture, $"    vsi: {vsi}\n");
                }
            }

            lab._appliance = await ManagedProcess.StartApplianceAsync(lab.Bridge.Name, $"""
                ports:
                  - name: hv1
                    attach: {"{"} afpacket: hv1 {"}"}
                {hv1Settings}
                  - name: hv2
                    attach: {"{"} afpacket: hv2 {"}"}
                {hv2Settings}
                {bridgeSettings}
                """);
            lab._vswitch = await ManagedProcess.StartVswitchAsync(lab.Hypervisor.Name, $"uplink: {{ afpacket: uplink }}\nvms:\n{vmYaml}");
            Assert.True(await Eventually.HoldsAsync(() => UpCount(lab.Appliance.Cli("link", "show").Output) == 2, 15_000), $"both appliance ports up{lab.Diagnostics()}");
            Assert.True(await Eventually.HoldsAsync(() => UpCount(lab.Vswitch.Cli("link", "show").Output) == vms.Count + 1, 15_000), $"the vswitch's uplink and VMs up{lab.Diagnostics()}");
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private static int UpCount(string linkShow) => linkShow.Split('\n').Count(line => line.Contains(" up ", StringComparison.Ordinal));

    /// <summary>What both programs say about themselves, for failure messages.</summary>
    public string Diagnostics() =>
        $"\nappliance:\n{Appliance.Cli("link", "show").Output}\n{Appliance.Cli("stats").Output}\n{Appliance.Cli("fdb", "show").Output}" +
        $"\nvswitch:\n{Vswitch.Cli("link", "show").Output}\n{Vswitch.Cli("stats").Output}\nappliance log:\n{ProcessLab.Tail(Appliance.Log, 4000)}\nvswitch log:\n{ProcessLab.Tail(Vswitch.Log, 4000)}";


    /// <summary>A permanent neighbour entry, so a ping is lost (not held for ARP) while the path is closed.</summary>
    public static Task StaticNeighbourAsync(NetNamespace ns, string address, string mac) => ProcessLab.StaticNeighbourAsync(ns, address, mac);

    private async Task<NetNamespace> NamespaceAsync()
    {
        NetNamespace ns = await NetNamespace.CreateQuietAsync();
        _namespaces.Add(ns);
        return ns;
    }


    public async ValueTask DisposeAsync()
    {
        if (_vswitch is not null)
        {
            await _vswitch.DisposeAsync();
        }
        if (_appliance is not null)
        {
            await _appliance.DisposeAsync();
        }
        foreach (NetNamespace ns in _namespaces)
        {
            await ns.DisposeAsync();
        }
    }
}
