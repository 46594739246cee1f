// The issue's lab with the kernel's own VEPA in place of the dumb vswitch: VM A and VM B are
// namespaces on macvlan (mode vepa) devices over one uplink veth, whose other end is the appliance's
// port hv1; host C is a namespace on hv2. The appliance runs in its own namespace. Link-local only.
namespace Hairpin.Host.Tests.Infrastructure;

public sealed class KernelVepaLab : IAsyncDisposable
{
    public const string AddressA = "169.254.77.1";
    public const string AddressB = "169.254.77.2";
    public const string AddressC = "169.254.77.3";
    public const string MacA = "02:77:00:00:00:0a";
    public const string MacB = "02:77:00:00:00:0b";
    public const string MacC = "02:77:00:00:00:0c";

    private KernelVepaLab(NetLab net, ManagedProcess appliance, string bridgeNs, string vmA, string vmB, string hostC, string hypervisor)
    {
        Net = net;
        Appliance = appliance;
        BridgeNamespace = bridgeNs;
        VmA = vmA;
        VmB = vmB;
        HostC = hostC;
        Hypervisor = hypervisor;
    }

    public NetLab Net { get; }
    public ManagedProcess Appliance { get; }
    public string BridgeNamespace { get; }
    public string VmA { get; }
    public string VmB { get; }
    public string HostC { get; }
    public string Hypervisor { get; }

    /// <param name="portSettings">Extra YAML lines for hv1 and hv2 (indented 4), e.g. "    hairpin: true".</param>
    /// <param name="bridgeSettings">Extra top-level YAML (e.g. acls).</param>
    public static async Task<KernelVepaLab> StartAsync(string hv1Settings = "", string hv2Settings = "", string bridgeSettings = "")
    {
        var net = new NetLab();
        try
        {
            string bridge = await net.NamespaceAsync("hpbr");
            string hypervisor = await net.NamespaceAsync("hphv");
            string vmA = await net.NamespaceAsync("hpva");
            string vmB = await net.NamespaceAsync("hpvb");
            string hostC = await net.NamespaceAsync("hphc");
            await net.VethAsync(hypervisor, "uplink", bridge, "hv1");
            await net.VethAsync(hostC, "eth0", bridge, "hv2");
            await NetLab.MacvlanAsync(hypervisor, "uplink", "eth0", "vepa", vmA, MacA);
            await NetLab.MacvlanAsync(hypervisor, "uplink", "mvb", "vepa", vmB, MacB);
            await NetLab.Ip("-n", vmB, "link", "set", "mvb", "name", "eth0");
            await NetLab.Ip("-n", hostC, "link", "set", "eth0", "address", MacC);
            await NetLab.AddressAsync(vmA, "eth0", AddressA + "/16");
            await NetLab.AddressAsync(vmB, "eth0", AddressB + "/16");
            await NetLab.AddressAsync(hostC, "eth0", AddressC + "/16");
            string yaml = $"""
                ports:
                  - name: hv1
                    attach: {"{"} afpacket: hv1 {"}"}
                {hv1Settings}
                  - name: hv2
                    attach: {"{"} afpacket: hv2 {"}"}
                {hv2Settings}
                {bridgeSettings}
                """;
            ManagedProcess appliance = await ManagedProcess.StartApplianceAsync(bridge, yaml);
            var lab = new KernelVepaLab(net, appliance, bridge, vmA, vmB, hostC, hypervisor);
            await Eventually.TrueAsync(() => lab.Appliance.Cli("link", "show").Output.Split('\n').Count(line => line.Contains(" up ", StringComparison.Ordinal)) == 2,
                "both appliance ports up", TimeSpan.FromSeconds(15));
            return lab;
        }
        catch
        {
            await net.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the appliance says about itself, for failure messages.</summary>
    public string Diagnostics() =>
        $"\n{Appliance.Cli("link", "show").Output}\n{Appliance.Cli("stats").Output}\n{Appliance.Cli("fdb", "show").Output}\nlog:\n{Appliance.Log}";

    public async ValueTask DisposeAsync()
    {
        await Appliance.DisposeAsync();
        await Net.DisposeAsync();
    }
}
