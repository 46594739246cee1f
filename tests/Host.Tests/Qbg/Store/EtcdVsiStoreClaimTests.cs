// The shared VSI table on a real etcd: claims are transactions (of two appliances claiming one VSI at
// once exactly one wins), every move is in the history, the owner hears at once that its VSI was
// taken, types put by an operator reach every appliance, and counters add up over appliances.
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Qbg.Store;

[Collection(EtcdTestGroup.Name)]
public sealed class EtcdVsiStoreClaimTests
{
    [Fact]
    public async Task ClaimOfANewVsiWinsAndWritesItsRecordAndHistory()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, StoreStartup startup, _) = await lab.OpenAsync("a");
        Assert.Empty(startup.Owned);
        Assert.NotNull(startup.SharedTypes);
        Assert.Equal(StoreHealth.Connected, a.Health);
        VsiRecord vsi = EtcdStoreLab.NewVsi();

        ClaimOutcome outcome = await a.ClaimAsync(new VsiClaim("hv1", vsi, "associate"), CancellationToken.None);

        Assert.Equal(new ClaimOutcome.Won(null), outcome);
        StoredVsi stored = Assert.Single(await a.ListAsync(CancellationToken.None));
        Assert.Equal((vsi.IdText, "a", "hv1", "associated"), (stored.VsiId, stored.Appliance, stored.Port, stored.State));
        Assert.Equal(42, stored.Type.Id);
        Assert.Equal(vsi.Filters[0].Mac, Assert.Single(stored.Filter).Mac);
        VsiMove move = Assert.Single(await a.HistoryAsync(vsi.IdText, CancellationToken.None));
        Assert.Equal((null, "a/hv1", "associate"), (move.From, move.To, move.Request));
        Assert.Equal("a", (await lab.Etcd.CtlAsync("get", "--print-value-only", $"/hairpin/owners/{vsi.IdText}")).Output.Trim());
        Assert.Equal($"etcd {lab.Etcd.Endpoint} prefix /hairpin", a.Describe());
    }

    [Fact]
    public async Task OfTwoAppliancesClaimingOneVsiAtOnceExactlyOneWinsEveryTime()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, _, var eventsOfA) = await lab.OpenAsync("a");
        (EtcdVsiStore b, _, var eventsOfB) = await lab.OpenAsync("b");
        int raced = 0;
        for (int round = 0; round < 50; round++)
        {
            VsiRecord vsi = EtcdStoreLab.NewVsi();
            using var go = new ManualResetEventSlim();
            Task<ClaimOutcome> byA = Task.Run(() => { go.Wait(); return a.ClaimAsync(new VsiClaim("hv1", vsi, "associate"), CancellationToken.None); });
            Task<ClaimOutcome> byB = Task.Run(() => { go.Wait(); return b.ClaimAsync(new VsiClaim("hv2", vsi, "associate"), CancellationToken.None); });
            go.Set();
            ClaimOutcome[] outcomes = await Task.WhenAll(byA, byB);

            StoredVsi stored = (await a.ListAsync(CancellationToken.None)).Single(entry => entry.VsiId == vsi.IdText);
            if (outcomes.OfType<ClaimOutcome.Lost>().SingleOrDefault() is { } lost)
            {
                // Both read the VSI as new: one transaction committed, the other's compare failed.
                raced++;
                ClaimOutcome.Won won = Assert.Single(outcomes.OfType<ClaimOutcome.Won>());
                string winner = ReferenceEquals(outcomes[0], won) ? "a" : "b";
                Assert.Equal((winner, winner), (lost.Owner, stored.Appliance));
                Assert.Contains("at the same moment", lost.Reason, StringComparison.Ordinal);
                Assert.Single(await a.HistoryAsync(vsi.IdText, CancellationToken.None));
            }
            else
            {
                // One claim read the other's record: a move, and the first owner is told at once.
                Assert.All(outcomes, outcome => Assert.IsType<ClaimOutcome.Won>(outcome));
                string first = stored.Appliance == "a" ? "b" : "a";
                string firstPlace = first == "a" ? "a/hv1" : "b/hv2";
                Assert.Equal(new ClaimOutcome.Won(firstPlace), outcomes[stored.Appliance == "a" ? 0 : 1]);
                var told = first == "a" ? eventsOfA : eventsOfB;
                await Eventually.TrueAsync(() => told.Contains(new VsiStoreEvent.TakenElsewhere(vsi.IdText, stored.Appliance == "a" ? "a/hv1" : "b/hv2")), "the first owner told");
                Assert.Equal(2, (await a.HistoryAsync(vsi.IdText, CancellationToken.None)).Count);
            }
        }
        // Without a single true race the test would prove nothing about the transaction.
        Assert.True(raced > 0, "no round had both claims read the VSI as new");
    }

    [Fact]
    public async Task AClaimByAnotherApplianceRaisesTakenElsewhereOnTheOwnerWithinASecond()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, _, var eventsOfA) = await lab.OpenAsync("a");
        (EtcdVsiStore b, _, _) = await lab.OpenAsync("b");
        VsiRecord vsi = EtcdStoreLab.NewVsi();
        Assert.IsType<ClaimOutcome.Won>(await a.ClaimAsync(new VsiClaim("hv1", vsi, "associate"), CancellationToken.None));

        ClaimOutcome moved = await b.ClaimAsync(new VsiClaim("hv7", vsi, "associate (M)"), CancellationToken.None);

        Assert.Equal(new ClaimOutcome.Won("a/hv1"), moved);
        await Eventually.TrueAsync(() => eventsOfA.Contains(new VsiStoreEvent.TakenElsewhere(vsi.IdText, "b/hv7")), "TakenElsewhere on a", TimeSpan.FromSeconds(1));
        IReadOnlyList<VsiMove> history = await b.HistoryAsync(vsi.IdText, CancellationToken.None);
        Assert.Equal([(null, "a/hv1"), ("a/hv1", "b/hv7")], history.Select(move => (move.From, move.To)));
        Assert.Equal("associate (M)", history[1].Request);
    }

    [Fact]
    public async Task ClaimingAVsiThisApplianceHoldsOnAnotherPortMovesItThere()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, _, var events) = await lab.OpenAsync("a");
        VsiRecord vsi = EtcdStoreLab.NewVsi();
        await a.ClaimAsync(new VsiClaim("hv1", vsi, "associate"), CancellationToken.None);

        Assert.Equal(new ClaimOutcome.Won("a/hv1"), await a.ClaimAsync(new VsiClaim("hv2", vsi, "associate"), CancellationToken.None));

        Assert.Equal("hv2", Assert.Single(await a.ListAsync(CancellationToken.None)).Port);
        Assert.Empty(events);
    }

    [Fact]
    public async Task TypesPutWithEtcdctlRaiseTypesChangedWithinASecond()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, StoreStartup startup, var events) = await lab.OpenAsync("a");
        Assert.Empty(startup.SharedTypes!);

        await lab.Etcd.CtlAsync("put", "/hairpin/types/42/1", """{"id":42,"version":1,"vlan":10,"acl":"web","managers":[]}""");

        await Eventually.TrueAsync(() => events.OfType<VsiStoreEvent.TypesChanged>().Any(), "TypesChanged", TimeSpan.FromSeconds(1));
        var type = Assert.Single(events.OfType<VsiStoreEvent.TypesChanged>().Single().Types);
        Assert.Equal((42, 1, 10, "web"), (type.Id, type.Version, type.Vlan, type.Acl));
        await using EtcdVsiStore later = lab.Store("b");
        Assert.Equal(42, Assert.Single((await later.OpenAsync(CancellationToken.None)).SharedTypes!).Id);
    }

    [Fact]
    public async Task ListSumsEachVsisCountersOverTheSegmentsOfEveryAppliance()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, _, _) = await lab.OpenAsync("a");
        (EtcdVsiStore b, _, _) = await lab.OpenAsync("b");
        VsiRecord vsi = EtcdStoreLab.NewVsi();
        await a.ClaimAsync(new VsiClaim("hv1", vsi, "associate"), CancellationToken.None);
        a.PublishCounters([new VsiSegment(vsi.IdText, EtcdStoreLab.Counters(5))]);
        await b.ClaimAsync(new VsiClaim("hv2", vsi, "associate"), CancellationToken.None);
        // Its segment is a's own: written although a no longer holds the VSI.
        a.PublishCounters([new VsiSegment(vsi.IdText, EtcdStoreLab.Counters(7))]);
        b.PublishCounters([new VsiSegment(vsi.IdText, EtcdStoreLab.Counters(3))]);

        await Eventually.TrueAsync(() => a.ListAsync(CancellationToken.None).Result.Single().Counters.RxFrames == 10, "a's 7 and b's 3 frames summed");
        StoredVsi stored = Assert.Single(await b.ListAsync(CancellationToken.None));
        Assert.Equal((10, 1000, 20, 2000), (stored.Counters.RxFrames, stored.Counters.RxBytes, stored.Counters.TxFrames, stored.Counters.TxBytes));
        Assert.Equal(10, stored.Counters.Dropped[Hairpin.Bridge.Core.Counters.DropReason.MalformedRunt]);
        Assert.Equal("b", stored.Appliance);
    }

    [Fact]
    public async Task ReleaseDeassociatesTheVsiDropsItsOwnerKeyAndRecordsTheMove()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, _, _) = await lab.OpenAsync("a");
        VsiRecord vsi = EtcdStoreLab.NewVsi();
        await a.ClaimAsync(new VsiClaim("hv1", vsi, "associate"), CancellationToken.None);

        a.Release(vsi.IdText, "de-associate");

        await Eventually.TrueAsync(() => a.ListAsync(CancellationToken.None).Result.Single().State == "de-associated", "the record de-associated");
        Assert.Equal("", (await lab.Etcd.CtlAsync("get", "--print-value-only", $"/hairpin/owners/{vsi.IdText}")).Output.Trim());
        VsiMove release = (await a.HistoryAsync(vsi.IdText, CancellationToken.None))[^1];
        Assert.Equal(("a/hv1", "-", "de-associate"), (release.From, release.To, release.Request));
    }

    [Fact]
    public async Task AnUpdateRewritesTheHeldRecordOnItsPort()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, _, _) = await lab.OpenAsync("a");
        VsiRecord vsi = EtcdStoreLab.NewVsi(VdpRequest.PreAssociateWithReservation);
        await a.ClaimAsync(new VsiClaim("hv1", vsi, "pre-associate-rr"), CancellationToken.None);
        Assert.Equal("pre-associated-rr", Assert.Single(await a.ListAsync(CancellationToken.None)).State);

        a.Update("hv1", vsi with { Request = VdpRequest.Associate, TypeVersion = 2 });

        await Eventually.TrueAsync(() => a.ListAsync(CancellationToken.None).Result.Single().State == "associated", "the record associated");
        Assert.Equal(2, Assert.Single(await a.ListAsync(CancellationToken.None)).Type.Version);
    }
}
