// The shared VSI store when things go away: etcd killed and restarted (counters queue and are
// published after, the watch resumes without losing an event), an appliance cut off while the store
// is compacted (it reads everything again and raises what it missed), an appliance that dies (its
// VSIs are marked lost after its lease's TTL and may go elsewhere) or restarts (it gets them back).
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Qbg.Store;

[Collection(EtcdTestGroup.Name)]
public sealed class EtcdVsiStoreOutageTests
{
    [Fact]
    public async Task CountersQueuedWhileEtcdIsStoppedArePublishedAfterItRestarts()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, _, _) = await lab.OpenAsync("a");
        VsiRecord vsi = EtcdStoreLab.NewVsi();
        await a.ClaimAsync(new VsiClaim("hv1", vsi, "associate"), CancellationToken.None);
        await lab.Etcd.StopAsync();

        a.PublishCounters([new VsiSegment(vsi.IdText, EtcdStoreLab.Counters(1))]);
        a.PublishCounters([new VsiSegment(vsi.IdText, EtcdStoreLab.Counters(9))]);
        await Eventually.TrueAsync(() => a.Health == StoreHealth.Unreachable, "the store unreachable");
        Assert.IsType<ClaimOutcome.Unavailable>(await a.ClaimAsync(new VsiClaim("hv1", EtcdStoreLab.NewVsi(), "associate"), CancellationToken.None));
        await lab.Etcd.StartAgainAsync();

        await Eventually.TrueAsync(() => a.Health == StoreHealth.Connected, "the store connected again");
        await Eventually.TrueAsync(
            () => lab.Etcd.CtlAsync(check: false, "get", "--print-value-only", $"/hairpin/counters/{vsi.IdText}/a").Result.Output.Contains("\"rx_frames\":9", StringComparison.Ordinal),
            "the latest segment written");
        Assert.Equal(9, Assert.Single(await a.ListAsync(CancellationToken.None)).Counters.RxFrames);
    }

    [Fact]
    public async Task TheWatchResumesAfterEtcdRestartsWithoutLosingAnEventFromWhileItWasAway()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, _, var events) = await lab.OpenAsync("a");
        VsiRecord vsi = EtcdStoreLab.NewVsi();
        await a.ClaimAsync(new VsiClaim("hv1", vsi, "associate"), CancellationToken.None);
        await lab.Etcd.StopAsync();
        await Eventually.TrueAsync(() => a.Health == StoreHealth.Unreachable, "a sees etcd gone");
        await lab.Etcd.StartAgainAsync();

        // Written the moment etcd is back, by an operator's etcdctl, whether or not a's watch is back yet.
        string taken = (await lab.Etcd.CtlAsync("get", "--print-value-only", $"/hairpin/vsis/{vsi.IdText}")).Output.Trim()
            .Replace("\"appliance\":\"a\"", "\"appliance\":\"c\"", StringComparison.Ordinal);
        await lab.Etcd.CtlAsync("put", $"/hairpin/vsis/{vsi.IdText}", taken);

        await Eventually.TrueAsync(() => events.Contains(new VsiStoreEvent.TakenElsewhere(vsi.IdText, "c/hv1")), "TakenElsewhere after the restart");
        Assert.Equal(StoreHealth.Connected, a.Health);
    }

    [Fact]
    public async Task AnApplianceCutOffWhileTheStoreIsCompactedReadsEverythingAgainAndRaisesWhatItMissed()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        TcpRelay cable = lab.Relay();
        (EtcdVsiStore a, _, var events) = await lab.OpenAsync("a", cable.Endpoint);
        (EtcdVsiStore b, _, _) = await lab.OpenAsync("b");
        VsiRecord vsi = EtcdStoreLab.NewVsi();
        await a.ClaimAsync(new VsiClaim("hv1", vsi, "associate"), CancellationToken.None);
        cable.Cut();
        await Eventually.TrueAsync(() => a.Health == StoreHealth.Unreachable, "a cut off");

        Assert.Equal(new ClaimOutcome.Won("a/hv1"), await b.ClaimAsync(new VsiClaim("hv2", vsi, "associate (M)"), CancellationToken.None));
        await lab.Etcd.CtlAsync("put", "/hairpin/types/42/1", """{"id":42,"version":1,"vlan":10}""");
        await lab.Etcd.CtlAsync("compact", (await lab.Etcd.RevisionAsync()).ToString(System.Globalization.CultureInfo.InvariantCulture));
        cable.Restore();

        await Eventually.TrueAsync(() => events.Contains(new VsiStoreEvent.TakenElsewhere(vsi.IdText, "b/hv2")), "TakenElsewhere after the re-read");
        await Eventually.TrueAsync(() => events.OfType<VsiStoreEvent.TypesChanged>().Any(change => change.Types.Count == 1), "TypesChanged after the re-read");
        Assert.Contains(lab.Log.Lines, line => line.Message.Contains("was compacted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnApplianceThatStopsRenewingItsLeaseHasItsVsisMarkedLostAndAnotherMayClaimThem()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, _, _) = await lab.OpenAsync("a");
        (EtcdVsiStore b, _, _) = await lab.OpenAsync("b");
        VsiRecord vsi = EtcdStoreLab.NewVsi();
        await a.ClaimAsync(new VsiClaim("hv1", vsi, "associate"), CancellationToken.None);

        await lab.StopAsync(a);

        await Eventually.TrueAsync(() => b.ListAsync(CancellationToken.None).Result.Single().State == "lost", "the VSI marked lost after a's TTL");
        Assert.Equal(("a", "hv1"), (await b.ListAsync(CancellationToken.None)).Select(entry => (entry.Appliance, entry.Port)).Single());
        Assert.Equal(new ClaimOutcome.Won("a/hv1"), await b.ClaimAsync(new VsiClaim("hv2", vsi, "associate"), CancellationToken.None));
        Assert.Equal(
            [(null, "a/hv1", "associate"), ("a/hv1", "-", "lost: a's lease expired"), ("a/hv1", "b/hv2", "associate")],
            (await b.HistoryAsync(vsi.IdText, CancellationToken.None)).Select(move => (move.From, move.To, move.Request)));
    }

    [Fact]
    public async Task ARestartedApplianceGetsItsVsisAndCounterSegmentsBackFromOpen()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore before, _, _) = await lab.OpenAsync("a");
        VsiRecord held = EtcdStoreLab.NewVsi();
        VsiRecord released = EtcdStoreLab.NewVsi();
        await before.ClaimAsync(new VsiClaim("hv3", held, "associate"), CancellationToken.None);
        await before.ClaimAsync(new VsiClaim("hv4", released, "associate"), CancellationToken.None);
        before.Release(released.IdText, "de-associate");
        before.PublishCounters([new VsiSegment(held.IdText, EtcdStoreLab.Counters(4)), new VsiSegment(released.IdText, EtcdStoreLab.Counters(2))]);
        await lab.StopAsync(before);

        (EtcdVsiStore after, StoreStartup startup, _) = await lab.OpenAsync("a");

        OwnedVsi owned = Assert.Single(startup.Owned);
        Assert.Equal(("hv3", held.IdText, held.Request), (owned.Port, owned.Vsi.IdText, owned.Vsi.Request));
        Assert.Equal(held.Filters, owned.Vsi.Filters);
        Assert.Equal(4, startup.Segments.Single(segment => segment.VsiId == held.IdText).Counters.RxFrames);
        Assert.Equal(2, startup.Segments.Single(segment => segment.VsiId == released.IdText).Counters.RxFrames);
        Assert.Equal(2, startup.Segments.Count);
        // Its owner key is on the new lease: it outlives the old one's TTL.
        await Task.Delay(EtcdStoreLab.Ttl * 2);
        Assert.Equal("associated", (await after.ListAsync(CancellationToken.None)).Single(entry => entry.VsiId == held.IdText).State);
    }

    [Fact]
    public async Task AnApplianceWhoseLeaseIsGoneTakesANewOneAndPutsItsOwnerKeysBack()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, _, _) = await lab.OpenAsync("a");
        VsiRecord vsi = EtcdStoreLab.NewVsi();
        await a.ClaimAsync(new VsiClaim("hv1", vsi, "associate"), CancellationToken.None);
        string lease = (await lab.Etcd.CtlAsync("lease", "list")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

        await lab.Etcd.CtlAsync("lease", "revoke", lease);

        await Eventually.TrueAsync(() => lab.Log.Lines.Any(line => line.Message.Contains("lease expired", StringComparison.Ordinal)), "a noticed its lease gone");
        await Eventually.TrueAsync(
            () => lab.Etcd.CtlAsync(check: false, "get", "--print-value-only", $"/hairpin/owners/{vsi.IdText}").Result.Output.Trim() == "a", "the owner key back");
        await Eventually.TrueAsync(() => a.ListAsync(CancellationToken.None).Result.Single().State == "associated", "the VSI associated again");
        Assert.NotEqual(lease, (await lab.Etcd.CtlAsync("lease", "list")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1]);
    }

    [Fact]
    public async Task OpeningWhileEtcdIsDownAnswersFromNothingAndConnectsWhenItComes()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        await lab.Etcd.CtlAsync("put", "/hairpin/types/42/1", """{"id":42,"version":1,"vlan":10}""");
        await lab.Etcd.StopAsync();

        (EtcdVsiStore a, StoreStartup startup, var events) = await lab.OpenAsync("a");

        Assert.Equal((0, 0), (startup.Owned.Count, startup.Segments.Count));
        Assert.Null(startup.SharedTypes);   // unknown, not none: the YAML's types stay in force until the store's arrive
        Assert.Equal(StoreHealth.Unreachable, a.Health);
        Assert.IsType<ClaimOutcome.Unavailable>(await a.ClaimAsync(new VsiClaim("hv1", EtcdStoreLab.NewVsi(), "associate"), CancellationToken.None));
        await lab.Etcd.StartAgainAsync();
        await Eventually.TrueAsync(() => events.OfType<VsiStoreEvent.TypesChanged>().Any(change => change.Types.Count == 1), "the types once etcd is there");
        Assert.IsType<ClaimOutcome.Won>(await a.ClaimAsync(new VsiClaim("hv1", EtcdStoreLab.NewVsi(), "associate"), CancellationToken.None));
    }
}
