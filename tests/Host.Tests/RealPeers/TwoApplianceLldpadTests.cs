// Two real appliances sharing a VSI store on a real etcd, lldpad (driven by vdptool, as libvirt
// drives it) as the station in front of each: a VM migrating with VDP's hints (Pre-Associate with
// reservation at the destination, then Associate with M), two appliances claiming one VSI at once,
// and what keep-alives and a loser's retry do to ownership afterwards (specs/vsi-moves.md).
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
