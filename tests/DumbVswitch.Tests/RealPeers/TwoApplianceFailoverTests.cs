// Issue 10 with real peers: appliance a dies (SIGKILL) with VM A associated on it. Its etcd lease lapses,
// so appliance b marks the VM's record lost after the lease's TTL; the VM then resumes on hypervisor 2
// and its station's association on b wins: the VM's traffic flows through b.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class TwoApplianceFailoverTests(ITestOutputHelper output)
{
    [Fact(Timeout = 55_000)]
    public async Task VmOfAKilledApplianceIsMarkedLostAfterTheLeaseAndAssociatesOnTheOther()
    {
        await using TwoApplianceLab lab = await TwoApplianceLab.StartAsync(TwoApplianceMoveTests.Policy);
        Assert.True(await Eventually.HoldsAsync(() => TwoApplianceLab.Shown(lab.ApplianceB) is [{ Appliance: "a", State: "associated" }], 10_000),
            $"b sees VM A on a through the store{lab.Diagnostics()}");

        await lab.ApplianceA.SignalAsync("KILL");
        var sinceKill = Stopwatch.StartNew();
        Assert.True(await Eventually.HoldsAsync(() => lab.ApplianceA.HasExited, 5_000), "a died");
        Assert.True(await Eventually.HoldsAsync(() => TwoApplianceLab.Shown(lab.ApplianceB) is [{ Appliance: "a", Port: TwoApplianceLab.PortA, State: "lost" }],
            (TwoApplianceLab.LeaseTtlSeconds * 1000) + 10_000), $"b marks a's VSI lost after the lease's TTL{lab.Diagnostics()}");
        TimeSpan lost = sinceKill.Elapsed;

        await lab.Hypervisor2.IpAsync("link", "set", TwoApplianceLab.VmPort, "up");
        Assert.True(await Eventually.HoldsAsync(() => lab.LocalVsi(lab.ApplianceB) is { State: "associated", Port: TwoApplianceLab.PortB }, 20_000),
            $"VM A's copy on hypervisor 2 associates on b{lab.Diagnostics()}");
        Assert.True(await Eventually.HoldsAsync(() => lab.Vswitch2.Cli("vsi", "show").Output.Contains("associated", StringComparison.Ordinal), 5_000),
            $"hypervisor 2's station was answered{lab.Diagnostics()}");
        Assert.True((await TwoApplianceLab.PingAsync(lab.VmDestination, TwoApplianceLab.AddressD, 5, 0.1)).Received == 5, $"VM A reaches host D through b{lab.Diagnostics()}");

        var (exit, history, error) = lab.ApplianceB.Cli("--json", "vsi", "history", TwoApplianceLab.VsiId);
        Assert.True(exit == 0, error);
        using JsonDocument moves = JsonDocument.Parse(history);
        JsonElement[] recorded = [.. moves.RootElement.EnumerateArray()];
        Assert.Contains(recorded, move => move.GetProperty("from").GetString() == $"a/{TwoApplianceLab.PortA}" && move.GetProperty("to").GetString() == "-");
        Assert.Equal($"b/{TwoApplianceLab.PortB}", recorded[^1].GetProperty("to").GetString());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"a killed: b showed its VSI lost {lost.TotalSeconds:0.0} s later (lease TTL {TwoApplianceLab.LeaseTtlSeconds} s); history: {string.Join(" | ", recorded.Select(move => $"{move.GetProperty("from")} -> {move.GetProperty("to")} ({move.GetProperty("request")})"))}"));
    }
}
