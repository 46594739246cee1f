// Issue 13 with real processes: VM A's VLAN follows it up to the aggregation appliance by MVRP. The
// first VM of VLAN 10 associating at an access appliance makes the aggregation appliance register
// VLAN 10 on that trunk within a second (measured between the two appliances' own log lines, both
// stamped in UTC milliseconds by the same clock) and the VM reaches host X; the last VM leaving takes
// VLAN 10 off the trunk after the leave time; tshark decodes every MVRPDU on the trunk, none malformed.
// A move to the other access appliance brings the VLAN to the new trunk and takes it off the old one.
using System.Globalization;
using System.Text.RegularExpressions;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed partial class MvrpTests(ITestOutputHelper output)
{
    [Fact(Timeout = 90_000)]
    public async Task TheFirstVmOfAVlanBringsItToTheAggregationTrunkWithinASecondAndTheLastTakesItAway()
    {
        await using MvrpLab lab = await MvrpLab.StartAsync(captureSeconds: 25);
        Assert.DoesNotContain(MvrpLab.Vlan, MvrpLab.Port(lab.Agg, "down1")!.Registered);

        await MvrpLab.StartVmAsync(lab.Hypervisor1);
        Assert.True(await Eventually.HoldsAsync(() => MvrpLab.VsiState(lab.Acc1) == "associated", 20_000), $"VM A associated at acc1{lab.Diagnostics()}");
        Assert.True(await Eventually.HoldsAsync(() => MvrpLab.Port(lab.Agg, "down1")?.Dynamic.Contains(MvrpLab.Vlan) == true, 5_000), $"VLAN 10 registered on agg/down1{lab.Diagnostics()}");
        DateTime associated = await LogTimeAsync(lab.Acc1, $"VSI {MvrpLab.VsiId} associated");
        DateTime registered = await LogTimeAsync(lab.Agg, "port down1: MVRP registered VLAN 10");
        output.WriteLine($"association at acc1 {associated:HH:mm:ss.fff}, registration at agg {registered:HH:mm:ss.fff}: {(registered - associated).TotalMilliseconds:0} ms");
        Assert.InRange(registered - associated, TimeSpan.Zero, TimeSpan.FromSeconds(1));
        Assert.True(await MvrpLab.PingAsync(lab.Vm1, MvrpLab.HostAddress) > 0, $"VM A reaches host X across the trunk{lab.Diagnostics()}");

        await MvrpLab.StopVmAsync(lab.Hypervisor1);
        Assert.True(await Eventually.HoldsAsync(() => MvrpLab.Port(lab.Agg, "down1")?.Registered.Contains(MvrpLab.Vlan) == false, 10_000), $"VLAN 10 gone from agg/down1{lab.Diagnostics()}");
        DateTime left = await LogTimeAsync(lab.Acc1, $"VSI {MvrpLab.VsiId} de-associated");
        DateTime deregistered = await LogTimeAsync(lab.Agg, "port down1: MVRP deregistered VLAN 10");
        output.WriteLine($"de-association at acc1 {left:HH:mm:ss.fff}, deregistration at agg {deregistered:HH:mm:ss.fff}: {(deregistered - left).TotalMilliseconds:0} ms");
        // The leave time (1 s) after acc1's Lv, which goes at its next transmit opportunity (within a join time).
        Assert.InRange(deregistered - left, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
        Assert.Empty(MvrpLab.Port(lab.Agg, "down1")!.Dynamic);

        await lab.StopCaptureAsync();
        foreach (string file in lab.CaptureFiles)
        {
            string[] pdus = await Tshark(file, "-Y", "mrp-mvrp", "-T", "fields", "-e", "frame.number");
            string[] malformed = await Tshark(file, "-Y", "mrp-mvrp && (_ws.malformed || _ws.expert.severity >= \"error\")", "-T", "fields", "-e", "frame.number");
            string[] vids = await Tshark(file, "-Y", "mrp-mvrp", "-T", "fields", "-e", "mrp-mvrp.vid");
            output.WriteLine($"{Path.GetFileName(file)}: {pdus.Length} MVRPDUs, {malformed.Length} malformed");
            Assert.True(pdus.Length >= 2, $"MVRPDUs in {Path.GetFileName(file)}: {pdus.Length}");
            Assert.Empty(malformed);
            Assert.Contains(vids, line => line.Split(',').Any(vid => vid.Trim() == "10"));
        }
        output.WriteLine($"agg:\n{lab.Agg.Cli("mvrp", "show").Output}\nacc1:\n{lab.Acc1.Cli("mvrp", "show").Output}");
        Assert.Equal(0, MvrpLab.Port(lab.Agg, "down1")!.Malformed);
    }

    [Fact(Timeout = 90_000)]
    public async Task AVmThatMovesTakesItsVlanFromTheOldTrunkToTheNewOne()
    {
        await using MvrpLab lab = await MvrpLab.StartAsync();
        await MvrpLab.StartVmAsync(lab.Hypervisor1);
        Assert.True(await Eventually.HoldsAsync(() => MvrpLab.Port(lab.Agg, "down1")?.Dynamic.Contains(MvrpLab.Vlan) == true, 20_000), $"VLAN 10 on agg/down1{lab.Diagnostics()}");
        Assert.DoesNotContain(MvrpLab.Vlan, MvrpLab.Port(lab.Agg, "down2")!.Dynamic);

        // The migration's order: the destination's port comes up and associates there, then the source's goes down.
        await MvrpLab.StartVmAsync(lab.Hypervisor2);
        Assert.True(await Eventually.HoldsAsync(() => MvrpLab.VsiState(lab.Acc2) == "associated", 20_000), $"VM A associated at acc2{lab.Diagnostics()}");
        await MvrpLab.StopVmAsync(lab.Hypervisor1);

        Assert.True(await Eventually.HoldsAsync(() => MvrpLab.Port(lab.Agg, "down2")?.Dynamic.Contains(MvrpLab.Vlan) == true, 5_000), $"VLAN 10 on agg/down2{lab.Diagnostics()}");
        Assert.True(await Eventually.HoldsAsync(() => MvrpLab.Port(lab.Agg, "down1")?.Dynamic.Contains(MvrpLab.Vlan) == false, 10_000), $"VLAN 10 gone from agg/down1{lab.Diagnostics()}");
        Assert.True(await MvrpLab.PingAsync(lab.Vm2, MvrpLab.HostAddress) > 0, $"VM A reaches host X from its new place{lab.Diagnostics()}");
        Assert.Equal(0, await MvrpLab.PingAsync(lab.Vm1, MvrpLab.HostAddress, count: 2));   // the old copy is down: nothing left of it up there
    }

    /// <summary>
    /// The UTC time stamped on the last log line of <paramref name="program"/> containing <paramref name="text"/>,
    /// waited for: the console logger writes from a queue of its own, so a line may reach the test after
    /// the CLI's answer showed what it reports.
    /// </summary>
    private static async Task<DateTime> LogTimeAsync(ManagedProcess program, string text)
    {
        string? Line() => program.Log.Split('\n').LastOrDefault(line => line.Contains(text, StringComparison.Ordinal));
        await Eventually.HoldsAsync(() => Line() is not null, 5_000);
        string line = Line() ?? throw new Xunit.Sdk.XunitException($"no log line with '{text}' in:\n{program.Log}");
        Match stamp = Stamp().Match(line);
        Assert.True(stamp.Success, $"no time stamp on: {line}");
        return DateTime.ParseExact(stamp.Value, "yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
    }

    private static async Task<string[]> Tshark(string file, params string[] args)
    {
        ProcessRunner.Result result = await ProcessRunner.RunAsync("tshark", ["-r", file, .. args], check: false, timeout: TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"tshark -r {file} {string.Join(' ', args)}: {result.Output}{result.Error}");
        return [.. result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}")]
    private static partial Regex Stamp();
}
