// Two real appliances sharing a VSI store on a real etcd, lldpad (driven by vdptool, as libvirt
// drives it) as the station in front of each: a VM migrating with VDP's hints (Pre-Associate with
// reservation at the destination, then Associate with M), two appliances claiming one VSI at once,
// and what keep-alives and a loser's retry do to ownership afterwards (specs/vsi-moves.md).
using System.Globalization;
using System.Text.Json;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class TwoApplianceLldpadTests
{
    private const string Vm = TwoApplianceLldpadLab.VmUuid;
    private const string Mac = TwoApplianceLldpadLab.VmMac;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AVmMigratingWithHintsStaysAtItsSourceUntilItAssociatesAtTheDestinationThenPassesThereUnderItsTypesAcl()
    {
        await using TwoApplianceLldpadLab lab = await TwoApplianceLldpadLab.StartAsync();
        LldpadApplianceSide a = lab.A, b = lab.B;

        VdpAnswer atSource = await a.Station.RequestAsync("assoc", 42, 1, Vm, $"0-{Mac}");
        Assert.True(atSource.Accepted, atSource.Output + lab.Diagnostics());
        Assert.Equal(3, await a.PingFromVmAsync(Mac, TwoApplianceLldpadLab.HostAddress));
        Assert.Contains(Vm, await a.Station.ListAsync(Vm), StringComparison.OrdinalIgnoreCase);   // lldpad lists what it holds

        // libvirt's migration: the destination's station pre-associates with reservation, hinting "to".
        VdpAnswer reserved = await b.Station.RequestAsync("preassoc-rr", 42, 1, Vm, $"10-{Mac}", hints: "to");
        Assert.True(reserved.Accepted, reserved.Output + lab.Diagnostics());
        Assert.Equal(("a", "hv1", "associated"), a.Where(Vm));
        Assert.Equal(("b", "hv1", "pre-associated-rr"), b.Where(Vm));
        Assert.Equal(0, await b.PingFromVmAsync(Mac, TwoApplianceLldpadLab.HostAddress));   // reserved, not bound: nothing passes at b yet
        Assert.Contains("vsi-not-associated", b.Appliance.Cli("stats", "dev", "hv1").Output, StringComparison.Ordinal);
        Assert.Equal(("a", "hv1", "associated"), a.Where(Vm));   // the VM still runs at its source

        VdpAnswer moved = await b.Station.RequestAsync("assoc", 42, 1, Vm, $"10-{Mac}", hints: "to");

        Assert.True(moved.Accepted, moved.Output + lab.Diagnostics());
        Assert.Equal(("b", "hv1", "associated"), b.Where(Vm));
        await Eventually.TrueAsync(() => a.Where(Vm) == ("b", "hv1", "associated"), "a lists the VSI as b's", Settle);
        await Eventually.TrueAsync(() => !a.Station.ListAsync(Vm).GetAwaiter().GetResult().Contains(Vm, StringComparison.OrdinalIgnoreCase),
            "a told its station the VSI is de-associated (lldpad dropped it)", Settle);
        JsonElement move = Assert.Single(b.History(Vm), move => move.GetProperty("to").GetString() == "b/hv1");
        Assert.Equal("a/hv1", move.GetProperty("from").GetString());
        Assert.Equal("associate (M)", move.GetProperty("request").GetString());
        Assert.Equal(3, await b.PingFromVmAsync(Mac, TwoApplianceLldpadLab.HostAddress));
        Assert.Equal(0, await b.PingFromVmAsync(Mac, TwoApplianceLldpadLab.DeniedAddress));
        // The counters follow the VM: a's segment (3 out, 3 back) plus b's (6 out of which 3 denied, 3 back).
        await Eventually.TrueAsync(() => Counters(b) == (9, 6, 3), "b totals the VSI's counters over both appliances", Settle);
        Assert.DoesNotContain(Mac, a.Appliance.Cli("fdb", "show", "dev", "hv1").Output, StringComparison.OrdinalIgnoreCase);
    }

    /// <remarks>
    /// What "at once" means here: the claims race only while both etcd transactions are in flight (a
    /// few milliseconds); vdptool's requests, started together, often reach the two appliances further
    /// apart than that. Then the later claim is, as specs/vsi-moves.md says, a move: it is accepted too,
    /// and the first appliance lets the VSI go and tells its station (De-Associate, which vdptool may
    /// print as its answer when it follows the acceptance within a millisecond). Observed over ten
    /// rounds: mostly that, now and then a true race, whose loser is refused. Either way each round ends
    /// with exactly one owner that both appliances name, the owner's lldpad holding the VSI and the
    /// other's not; this is what is asserted, and the kind of round is checked against the history.
    /// </remarks>
    [Fact]
    public async Task TwoAppliancesClaimingOneVsiAtOnceEndWithExactlyOneOwnerEveryRound()
    {
        await using TwoApplianceLldpadLab lab = await TwoApplianceLldpadLab.StartAsync();
        LldpadApplianceSide a = lab.A, b = lab.B;
        var rounds = new List<string>();
        for (int round = 0; round < 10; round++)
        {
            string vm = string.Create(CultureInfo.InvariantCulture, $"c1412857-60f7-4ce1-e95a-2164943f{round:x4}");
            string mac = string.Create(CultureInfo.InvariantCulture, $"52:54:00:8e:cc:{round:x2}");

            VdpAnswer[] answers = await Task.WhenAll(
                a.Station.RequestAsync("assoc", 42, 1, vm, $"0-{mac}"),
                b.Station.RequestAsync("assoc", 42, 1, vm, $"0-{mac}"));

            string context = $"round {round}: a {Words(answers[0])}, b {Words(answers[1])}" + lab.Diagnostics();
            // A station whose claim was taken over within a millisecond may hear the De-Associate as vdptool's answer.
            Assert.All(answers, answer => Assert.True(answer.Accepted || answer.Refused || answer.Deassociated, answer.Output + context));
            Assert.True(answers.Any(answer => answer.Accepted), "someone wins: " + context);
            await Eventually.TrueAsync(() => a.Where(vm) is { Appliance: string owner } && b.Where(vm) == a.Where(vm)
                    && Holds(owner == "a" ? a : b, vm) && !Holds(owner == "a" ? b : a, vm),
                "both appliances name one owner, whose station alone holds the VSI: " + context, Settle);
            string winner = a.Where(vm)!.Value.Appliance!;
            LldpadApplianceSide loser = winner == "a" ? b : a;
            Assert.Equal(("associated", "hv1"), (a.Where(vm)!.Value.State, a.Where(vm)!.Value.Port));
            Assert.DoesNotContain(loser.Vsis(), vsi => vsi.GetProperty("vsiId").GetString() == vm && vsi.GetProperty("appliance").GetString() == loser.Name);
            List<string> moves = [.. b.History(vm).Select(move => $"{move.GetProperty("from").GetString()} -> {move.GetProperty("to").GetString()}")];
            if (!answers.Any(answer => answer.Refused))
            {
                // Not at once after all: the later claim moved the VSI from the first appliance.
                Assert.Equal([$" -> {loser.Name}/hv1", $"{loser.Name}/hv1 -> {winner}/hv1"], moves);
                rounds.Add($"{round}: {loser.Name} then {winner} (a move)");
            }
            else
            {
                // A true race: the store's transaction let one win; the loser's station was refused.
                Assert.True(answers[winner == "a" ? 0 : 1].Accepted && answers[winner == "a" ? 1 : 0].Refused, context);
                Assert.Equal([$" -> {winner}/hv1"], moves);
                Assert.Contains($"was claimed by {winner}/hv1 at the same moment", loser.Appliance.Log, StringComparison.Ordinal);
                rounds.Add($"{round}: {winner} won the race, {loser.Name} refused");
            }
        }
        Assert.Equal(10, rounds.Count);
    }

    private static string Words(VdpAnswer answer) => answer.Accepted ? "accepted" : answer.Refused ? "refused" : answer.Deassociated ? "accepted, then de-associated" : "no answer";

    /// <summary>lldpad on that side lists the VSI (it drops one the bridge refused or de-associated).</summary>
    private static bool Holds(LldpadApplianceSide side, string vm) =>
        side.Station.ListAsync(vm).GetAwaiter().GetResult().Contains(vm, StringComparison.OrdinalIgnoreCase);

    private static (long In, long Out, long Denied) Counters(LldpadApplianceSide side)
    {
        if (side.Vsi(Vm) is not JsonElement vsi)
        {
            return (-1, -1, -1);
        }
        JsonElement counters = vsi.GetProperty("counters");
        long denied = counters.GetProperty("drops").TryGetProperty("acl-denied", out JsonElement acl) ? acl.GetInt64() : 0;
        return (counters.GetProperty("in").GetProperty("frames").GetInt64(), counters.GetProperty("out").GetProperty("frames").GetInt64(), denied);
    }
}
