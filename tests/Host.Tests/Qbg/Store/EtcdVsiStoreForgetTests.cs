// Forgetting on a real etcd: a VSI de-associated or lost for longer than forget_after goes with every
// appliance's counter segment and its moves, held VSIs stay, and a second appliance sweeping the same
// store finds nothing left to do.
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Qbg.Store;

[Collection(EtcdTestGroup.Name)]
public sealed class EtcdVsiStoreForgetTests
{
    [Fact]
    public async Task DeAssociatedAndLostVsisAreForgottenAfterForgetAfterWithTheirSegmentsAndMovesHeldOnesStay()
    {
        await using EtcdStoreLab lab = await EtcdStoreLab.StartAsync();
        (EtcdVsiStore a, _, _) = await lab.OpenAsync("a");
        (EtcdVsiStore b, _, _) = await lab.OpenAsync("b");
        (EtcdVsiStore c, _, _) = await lab.OpenAsync("c");
        VsiRecord released = EtcdStoreLab.NewVsi(), heldByA = EtcdStoreLab.NewVsi(), heldByB = EtcdStoreLab.NewVsi(), lost = EtcdStoreLab.NewVsi();
        await b.ClaimAsync(new VsiClaim("hv2", released, "associate"), CancellationToken.None);
        b.PublishCounters([new VsiSegment(released.IdText, EtcdStoreLab.Counters(3))]);
        await a.ClaimAsync(new VsiClaim("hv1", released, "associate"), CancellationToken.None);   // moved from b to a
        await a.ClaimAsync(new VsiClaim("hv1", heldByA, "associate"), CancellationToken.None);
        await b.ClaimAsync(new VsiClaim("hv2", heldByB, "associate"), CancellationToken.None);
        await c.ClaimAsync(new VsiClaim("hv3", lost, "associate"), CancellationToken.None);
        a.PublishCounters([new VsiSegment(released.IdText, EtcdStoreLab.Counters(5)), new VsiSegment(heldByA.IdText, EtcdStoreLab.Counters(7))]);
        a.Release(released.IdText, "de-associate");
        await lab.StopAsync(c);   // c dies: its lease expires and its VSI is marked lost
        await Eventually.TrueAsync(() => State(a, released) == "de-associated" && State(a, lost) == "lost" && Frames(a, released) == 8,
            "the release written, c's VSI lost, both segments of the released VSI written");
        DateTimeOffset now = DateTimeOffset.UtcNow;

        Assert.Empty(await a.ForgetAsync(now + TimeSpan.FromDays(29), CancellationToken.None));   // forget_after is 30 days by default
        IReadOnlyList<string> forgotten = await a.ForgetAsync(now + TimeSpan.FromDays(31), CancellationToken.None);
        IReadOnlyList<string> byB = await b.ForgetAsync(now + TimeSpan.FromDays(31), CancellationToken.None);

        Assert.Equal(new[] { lost.IdText, released.IdText }.Order(StringComparer.Ordinal), forgotten.Order(StringComparer.Ordinal));
        Assert.Empty(byB);
        Assert.Equal(new[] { heldByA.IdText, heldByB.IdText }.Order(StringComparer.Ordinal), (await b.ListAsync(CancellationToken.None)).Select(v => v.VsiId).Order(StringComparer.Ordinal));
        Assert.Equal(7, Frames(a, heldByA));
        Assert.Empty(await a.HistoryAsync(released.IdText, CancellationToken.None));
        Assert.Single(await a.HistoryAsync(heldByA.IdText, CancellationToken.None));
        foreach (string gone in new[] { released.IdText, lost.IdText })
        {
            string keys = (await lab.Etcd.CtlAsync("get", "--prefix", "--keys-only", "/hairpin/")).Output;
            Assert.DoesNotContain(gone, keys, StringComparison.Ordinal);
        }
        Assert.Contains(lab.Log.Lines, line => line.Message.Contains($"VSI {released.IdText} forgotten with its counters and moves (de-associated since", StringComparison.Ordinal));
    }

    private static string? State(EtcdVsiStore store, VsiRecord vsi) =>
        store.ListAsync(CancellationToken.None).Result.SingleOrDefault(v => v.VsiId == vsi.IdText)?.State;

    private static long Frames(EtcdVsiStore store, VsiRecord vsi) =>
        store.ListAsync(CancellationToken.None).Result.SingleOrDefault(v => v.VsiId == vsi.IdText)?.Counters.RxFrames ?? -1;
}
