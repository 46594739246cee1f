// What an idle appliance costs: `hairpin bridge` with 32 afpacket ports on quiet veths must sleep
// (no per-port wake-ups, no spinning) and must not grow a thread per port. A resource check, not a
// speed benchmark: the bounds are far above ~0 and far below what per-port polling costs.
using System.Globalization;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Tests.RealPeers;

namespace Hairpin.Host.Tests.Appliance;

[Collection(RealPeerTestGroup.Name)]
public sealed class IdleCostTests
{
    private const int Ports = 32;

    [Fact(Timeout = 180_000)]
    public async Task ThirtyTwoIdlePortsCostAlmostNoCpuAndNoThreadPerPort()
    {
        await using var net = new NetLab();
        string ns = await net.NamespaceAsync("hpidle");
        await NetLab.InAsync(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
        var yaml = new System.Text.StringBuilder("ports:\n");
        for (int i = 0; i < Ports; i++)
        {
            await NetLab.Ip("-n", ns, "link", "add", $"i{i}", "type", "veth", "peer", "name", $"o{i}");
            await NetLab.Ip("-n", ns, "link", "set", $"i{i}", "up");
            await NetLab.Ip("-n", ns, "link", "set", $"o{i}", "up");
            yaml.Append(CultureInfo.InvariantCulture, $"  - name: p{i}\n    attach: {{ afpacket: i{i} }}\n");
        }
        await using ManagedProcess bridge = await ManagedProcess.StartApplianceAsync(ns, yaml.ToString());
        await Eventually.TrueAsync(() => bridge.Cli("link", "show").Output.Split('\n').Count(line => line.Contains(" up ", StringComparison.Ordinal)) == Ports,
            "all 32 ports up", TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));   // start-up work (JIT, first probes) settles

        // Two windows of 3 s, the quieter one counts: on a machine busy with the rest of the suite the
        // runtime's start-up work (tiered JIT, first timers) can spill into the first window; a per-port
        // cost is paid in every window, so the bound still catches it.
        TimeSpan idle = TimeSpan.MaxValue;
        for (int window = 0; window < 2; window++)
        {
            TimeSpan before = CpuTime(bridge.ProcessId);
            await Task.Delay(TimeSpan.FromSeconds(3));
            TimeSpan used = CpuTime(bridge.ProcessId) - before;
            idle = used < idle ? used : idle;
        }
        int threads = Threads(bridge.ProcessId);

        // Per-port threads polling every 100 ms cost ~145 ms of CPU in 3 s here, with ~76 threads.
        Assert.True(idle < TimeSpan.FromMilliseconds(60), $"idle for 3 s the bridge used {idle.TotalMilliseconds} ms of CPU");
        Assert.True(threads < Ports, $"the bridge runs {threads} threads for {Ports} ports");
    }

    /// <summary>utime + stime of the process, from /proc/PID/stat (in clock ticks of 1/100 s).</summary>
    private static TimeSpan CpuTime(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');   // fields from 3 (state) on
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static int Threads(int pid) =>
        int.Parse(File.ReadLines($"/proc/{pid}/status").Single(line => line.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim(), CultureInfo.InvariantCulture);
}
