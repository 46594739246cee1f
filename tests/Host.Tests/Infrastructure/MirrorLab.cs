// A lab for mirroring sessions: host A and host B are namespaces on the appliance's ports p1 and p2,
// and an analyzer namespace sits on its port mon (the SPAN/RSPAN destination, or the way to the
// ERSPAN collector, which is the analyzer itself). IPv6 is off everywhere and neighbours are static,
// so the only frames on the wires are the ones a test sends. Link-local addresses only.
namespace Hairpin.Host.Tests.Infrastructure;

public sealed class MirrorLab : IAsyncDisposable
{
    public const string AddressA = "169.254.88.1";
    public const string AddressB = "169.254.88.2";
    public const string CollectorAddress = "169.254.88.10";
    public const string OriginAddress = "169.254.88.254";
    public const string MacA = "02:88:00:00:00:0a";
    public const string MacB = "02:88:00:00:00:0b";
    public const string AnalyzerMac = "02:88:00:00:00:99";

    private MirrorLab(NetLab net, ManagedProcess appliance, string hostA, string hostB, string analyzer)
    {
        Net = net;
        Appliance = appliance;
        HostA = hostA;
        HostB = hostB;
        Analyzer = analyzer;
    }

    public NetLab Net { get; }
    public ManagedProcess Appliance { get; }
    public string HostA { get; }
    public string HostB { get; }
    public string Analyzer { get; }

    /// <param name="portSettings">Extra YAML for p1, p2 and mon (each line indented 4).</param>
    /// <param name="bridgeSettings">Extra top-level YAML (e.g. monitor_sessions).</param>
    public static async Task<MirrorLab> StartAsync(string portSettings = "", string bridgeSettings = "")
    {
        var net = new NetLab();
        try
        {
            string bridge = await QuietNamespaceAsync(net, "hmbr");
            string hostA = await QuietNamespaceAsync(net, "hmha");
            string hostB = await QuietNamespaceAsync(net, "hmhb");
            string analyzer = await QuietNamespaceAsync(net, "hman");
            await net.VethAsync(hostA, "eth0", bridge, "p1");
            await net.VethAsync(hostB, "eth0", bridge, "p2");
            await net.VethAsync(analyzer, "eth0", bridge, "mon");
            await NetLab.Ip("-n", hostA, "link", "set", "eth0", "address", MacA);
            await NetLab.Ip("-n", hostB, "link", "set", "eth0", "address", MacB);
            await NetLab.Ip("-n", analyzer, "link", "set", "eth0", "address", AnalyzerMac);
            await NetLab.AddressAsync(hostA, "eth0", AddressA + "/24");
            await NetLab.AddressAsync(hostB, "eth0", AddressB + "/24");
            await NetLab.AddressAsync(analyzer, "eth0", CollectorAddress + "/24");
            await NetLab.Ip("-n", hostA, "neigh", "replace", AddressB, "lladdr", MacB, "dev", "eth0", "nud", "permanent");
            await NetLab.Ip("-n", hostB, "neigh", "replace", AddressA, "lladdr", MacA, "dev", "eth0", "nud", "permanent");
            string yaml = $"""
                ports:
                  - name: p1
                    attach: {"{"} afpacket: p1 {"}"}
                {portSettings}
                  - name: p2
                    attach: {"{"} afpacket: p2 {"}"}
                {portSettings}
                  - name: mon
                    attach: {"{"} afpacket: mon {"}"}
                {portSettings}
                {bridgeSettings}
                """;
            ManagedProcess appliance = await ManagedProcess.StartApplianceAsync(bridge, yaml);
            var lab = new MirrorLab(net, appliance, hostA, hostB, analyzer);
            await Eventually.TrueAsync(() => lab.Appliance.Cli("link", "show").Output.Split('\n').Count(line => line.Contains(" up ", StringComparison.Ordinal)) == 3,
                "the three appliance ports up", TimeSpan.FromSeconds(15));
            return lab;
        }
        catch
        {
            await net.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs `tcpdump -w FILE` on <paramref name="device"/> in <paramref name="ns"/> for <paramref name="seconds"/>; await it for the file.</summary>
    public static Task<ProcessRunner.Result> CaptureAsync(string ns, string device, string file, int seconds, string direction = "in") =>
        NetLab.InAsync(ns, ["timeout", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "tcpdump", "-Z", "root", "-i", device, "-n", "-U", "-Q", direction, "-w", file],
            check: false, timeout: TimeSpan.FromSeconds(seconds + 10));

    /// <summary>`tshark -r FILE ARGS...`, its output lines (empty ones left out).</summary>
    public static async Task<string[]> TsharkAsync(string file, params string[] args)
    {
        ProcessRunner.Result result = await ProcessRunner.RunAsync("tshark", ["-r", file, .. args], check: false, timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"tshark -r {file} {string.Join(' ', args)}: {result.Output}{result.Error}");
        return [.. result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    /// <summary>What the appliance says about itself, for failure messages.</summary>
    public string Diagnostics() =>
        $"\n{Appliance.Cli("monitor", "show").Output}\n{Appliance.Cli("stats").Output}\nlog:\n{Appliance.Log}";

    public async ValueTask DisposeAsync()
    {
        await Appliance.DisposeAsync();
        await Net.DisposeAsync();
    }

    /// <summary>A namespace whose interfaces never speak IPv6 (no router solicitations, MLD or DAD on the wires).</summary>
    private static async Task<string> QuietNamespaceAsync(NetLab net, string prefix)
    {
        string ns = await net.NamespaceAsync(prefix);
        await NetLab.InAsync(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"]);
        await NetLab.InAsync(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1"]);
        return ns;
    }
}
