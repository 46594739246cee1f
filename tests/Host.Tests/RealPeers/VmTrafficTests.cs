// Per-VM counters on a real appliance (KernelVepaLab, `vm_counters` on): pings from VM A to host C
// show in `hairpin stats` as A's and C's rows (port, MAC, VLAN; frames each way) and in the Prometheus
// endpoint as hairpin_vm_* series with those labels. Root only.
using System.Globalization;
using System.Text.Json;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class VmTrafficTests
{
    [Fact]
    public async Task PingsShowAsEachVmsFramesInStatsAndInPrometheus()
    {
        int metricsPort = 19_000 + Random.Shared.Next(1_000);
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync(bridgeSettings: $"vm_counters: 64\nmetrics:\n  prometheus: \"127.0.0.1:{metricsPort}\"");
        await NetLab.Ip("-n", lab.VmA, "neigh", "replace", KernelVepaLab.AddressC, "lladdr", KernelVepaLab.MacC, "dev", "eth0", "nud", "permanent");
        await NetLab.Ip("-n", lab.HostC, "neigh", "replace", KernelVepaLab.AddressA, "lladdr", KernelVepaLab.MacA, "dev", "eth0", "nud", "permanent");

        foreach (string ns in new[] { lab.VmA, lab.HostC })
        {
            // No IPv6 chatter (router solicitations, MLD): the only frames of A and C from now on are the pings.
            await NetLab.InAsync(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1"]);
        }
        await Task.Delay(TimeSpan.FromSeconds(0.5));
        Dictionary<string, (long Rx, long Tx)> before = VmFrames(lab);

        Assert.Equal(4, await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC, count: 4));

        Dictionary<string, (long Rx, long Tx)> after = VmFrames(lab);
        Assert.Equal((4L, 4L), (after[KernelVepaLab.MacA].Rx - before.GetValueOrDefault(KernelVepaLab.MacA).Rx, after[KernelVepaLab.MacA].Tx - before.GetValueOrDefault(KernelVepaLab.MacA).Tx));   // requests out, replies in
        Assert.Equal((4L, 4L), (after[KernelVepaLab.MacC].Rx - before.GetValueOrDefault(KernelVepaLab.MacC).Rx, after[KernelVepaLab.MacC].Tx - before.GetValueOrDefault(KernelVepaLab.MacC).Tx));
        using (JsonDocument stats = JsonDocument.Parse(lab.Appliance.Cli("--json", "stats").Output))
        {
            JsonElement[] vms = [.. stats.RootElement.GetProperty("vms").EnumerateArray()];
            JsonElement a = vms.Single(vm => vm.GetProperty("mac").GetString() == KernelVepaLab.MacA);
            JsonElement c = vms.Single(vm => vm.GetProperty("mac").GetString() == KernelVepaLab.MacC);
            Assert.Equal(("hv1", 1, JsonValueKind.Null), (a.GetProperty("port").GetString(), a.GetProperty("vlan").GetInt32(), a.GetProperty("vsi").ValueKind));
            Assert.Equal(("hv2", 1), (c.GetProperty("port").GetString(), c.GetProperty("vlan").GetInt32()));
        }
        Assert.Contains(KernelVepaLab.MacA, lab.Appliance.Cli("stats").Output, StringComparison.Ordinal);

        string series = $"hairpin_vm_rx_frames_total{{port=\"hv1\",vsi=\"\",mac=\"{KernelVepaLab.MacA}\",vlan=\"1\",type=\"\"}}";
        long scraped = -1;
        for (int attempt = 0; attempt < 20 && scraped != after[KernelVepaLab.MacA].Rx; attempt++)
        {
            await Task.Delay(TimeSpan.FromSeconds(0.5));   // the metrics' VM snapshot is at most a second old
            ProcessRunner.Result scrape = await NetLab.InAsync(lab.BridgeNamespace,
                ["python3", "-c", $"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:{metricsPort}/metrics').read().decode())"]);
            string? line = scrape.Output.Split('\n').FirstOrDefault(candidate => candidate.StartsWith(series, StringComparison.Ordinal));
            scraped = line is null ? -1 : long.Parse(line[series.Length..].Trim(), CultureInfo.InvariantCulture);
        }
        Assert.Equal(after[KernelVepaLab.MacA].Rx, scraped);
    }

    [Fact]
    public async Task TopPrintsPlainRefreshesWithTheBusiestVmFirstWhenItsOutputIsNotATerminal()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync(bridgeSettings: "vm_counters: 64");
        await NetLab.Ip("-n", lab.VmA, "neigh", "replace", KernelVepaLab.AddressC, "lladdr", KernelVepaLab.MacC, "dev", "eth0", "nud", "permanent");

        Task<(int Exit, string Output, string Error)> top = Task.Run(() => lab.Appliance.Cli("top", "-d", "1", "-n", "4"));
        ProcessRunner.Result flood = await NetLab.InAsync(lab.VmA, ["ping", "-n", "-q", "-c", "300", "-i", "0.01", KernelVepaLab.AddressC], check: false, timeout: TimeSpan.FromSeconds(20));
        (int exit, string output, string error) = await top.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exit == 0, error);
        Assert.DoesNotContain("\u001b", output, StringComparison.Ordinal);   // plain lines, no screen control
        string[] refreshes = output.Split("hairpin top - ", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, refreshes.Length);
        // While the ping ran, A or C was the busiest VM of some refresh, at a rate above zero.
        Assert.Contains(refreshes.Skip(1), refresh =>
        {
            string? first = refresh.Split('\n').SkipWhile(line => !line.StartsWith("PORT", StringComparison.Ordinal)).Skip(1).FirstOrDefault();
            string[] columns = first?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
            return columns.Length > 4 && (columns[2] == KernelVepaLab.MacA || columns[2] == KernelVepaLab.MacC) && double.Parse(columns[4], CultureInfo.InvariantCulture) > 0;
        });
        Assert.True(flood.ExitCode == 0, flood.Output);
    }

    private static Dictionary<string, (long Rx, long Tx)> VmFrames(KernelVepaLab lab)
    {
        using JsonDocument stats = JsonDocument.Parse(lab.Appliance.Cli("--json", "stats").Output);
        return stats.RootElement.GetProperty("vms").EnumerateArray().ToDictionary(
            vm => vm.GetProperty("mac").GetString()!,
            vm => (vm.GetProperty("rx").GetProperty("frames").GetInt64(), vm.GetProperty("tx").GetProperty("frames").GetInt64()));
    }
}
