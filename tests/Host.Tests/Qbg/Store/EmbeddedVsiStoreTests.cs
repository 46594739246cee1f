// The embedded VSI store: claims always win and are recorded as moves, updates and releases change the
// table, what it holds comes back from the file in a new store object (as after a restart), a corrupt
// file is set aside without stopping the start, a failed write is retried, callers on many threads
// at once lose nothing, and a VSI de-associated longer than forget_after is forgotten.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Time;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Tests.Qbg.Store;

public sealed class EmbeddedVsiStoreTests : IDisposable
{
    private readonly ScratchDirectory _scratch = ScratchDirectory.Create();
    private readonly CapturingLogger _logs = new();
    private readonly ManualTimeProvider _time = new();

    public void Dispose()
    {
        _logs.Factory.Dispose();
        _scratch.Dispose();
    }

    private string StoreFile => _scratch.File("bridge.vsi.json");

    private EmbeddedVsiStore NewStore(TimeSpan? writeInterval = null) =>
        new(StoreFile, _logs.Factory.CreateLogger("hairpin.store"), "app1", _time, writeInterval);

    private static VsiRecord Vm(int n, VdpRequest request = VdpRequest.Associate, int vid = 10) =>
        new(VsiId.FromUuid(new Guid($"00000000-0000-4000-8000-{n:x12}")), new VdpManagerId(7), 42, 1, request, VsiHint.None, VdpFilterFormat.MacVid,
            [new VdpFilter(0, false, vid, new MacAddress(0x5254_0000_0000UL + (ulong)n), null)], TimeSpan.Zero, TimeSpan.Zero);

    private static VsiCountersSnapshot Counts(long frames) =>
        new(frames, frames * 100, frames * 2, frames * 200, new Dictionary<DropReason, long> { [DropReason.AclDenied] = 3 }, new Dictionary<DropReason, long>(), frames, 3, 0, 0);

    [Fact]
    public async Task ANewVsiIsClaimedFromNowhereAndItsMoveRecorded()
    {
        await using EmbeddedVsiStore store = NewStore();
        await store.OpenAsync(CancellationToken.None);

        Task<ClaimOutcome> claim = store.ClaimAsync(new VsiClaim("hv1", Vm(1), "associate"), CancellationToken.None);

        Assert.True(claim.IsCompletedSuccessfully);
        Assert.Equal(new ClaimOutcome.Won(null), await claim);
        VsiMove move = Assert.Single(await store.HistoryAsync(Vm(1).IdText, CancellationToken.None));
        Assert.Equal(new VsiMove(_time.GetUtcNow(), null, "app1/hv1", "associate"), move);
        StoredVsi listed = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Equal((Vm(1).IdText, "app1", "hv1", "associated", 42, 1), (listed.VsiId, listed.Appliance, listed.Port, listed.State, listed.Type.Id, listed.Type.Version));
        Assert.Equal(0, listed.Counters.RxFrames);
        Assert.Equal(StoreHealth.Connected, store.Health);
    }

    [Fact]
    public async Task AMoveToAnotherPortWinsFromTheOldPortAndAClaimOnTheSamePortIsNoMove()
    {
        await using EmbeddedVsiStore store = NewStore();
        await store.OpenAsync(CancellationToken.None);
        await store.ClaimAsync(new VsiClaim("hv1", Vm(1), "associate"), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(5));

        ClaimOutcome toHv2 = await store.ClaimAsync(new VsiClaim("hv2", Vm(1, VdpRequest.PreAssociateWithReservation), "pre-associate-rr"), CancellationToken.None);
        ClaimOutcome associated = await store.ClaimAsync(new VsiClaim("hv2", Vm(1), "associate (M)"), CancellationToken.None);

        Assert.Equal(new ClaimOutcome.Won("app1/hv1"), toHv2);
        Assert.Equal(new ClaimOutcome.Won("app1/hv2"), associated);
        IReadOnlyList<VsiMove> history = await store.HistoryAsync(Vm(1).IdText, CancellationToken.None);
        Assert.Equal([(null, "app1/hv1", "associate"), ("app1/hv1", "app1/hv2", "pre-associate-rr")], history.Select(m => (m.From, m.To, m.Request)));
        StoredVsi listed = Assert.Single(await store.ListAsync(CancellationToken.None));
        Assert.Equal(("hv2", "associated", _time.GetUtcNow()), (listed.Port, listed.State, listed.Since));
    }

    [Fact]
    public async Task AnUpdateRewritesTheRecordInPlaceAndAReleaseMovesItToNowhere()
    {
        await using EmbeddedVsiStore store = NewStore();
        await store.OpenAsync(CancellationToken.None);
        await store.ClaimAsync(new VsiClaim("hv1", Vm(1), "associate"), CancellationToken.None);

        store.Update("hv1", Vm(1, vid: 20));
        StoredVsi updated = Assert.Single(await store.ListAsync(CancellationToken.None));
        store.Release(Vm(1).IdText, "de-associate");
        store.Release(Vm(9).IdText, "de-associate");   // never held: nothing to record
        StoredVsi released = Assert.Single(await store.ListAsync(CancellationToken.None));

        Assert.Equal(20, Assert.Single(updated.Filter).Vid);
        Assert.Equal(("hv1", "de-associated"), (released.Port, released.State));
        Assert.Equal(("app1/hv1", "-", "de-associate"), (await store.HistoryAsync(Vm(1).IdText, CancellationToken.None))[^1] is var m ? (m.From, m.To, m.Request) : default);
        Assert.Empty(await store.HistoryAsync(Vm(9).IdText, CancellationToken.None));
        Assert.Equal(new ClaimOutcome.Won(null), await store.ClaimAsync(new VsiClaim("hv2", Vm(1), "associate"), CancellationToken.None));
    }

    [Fact]
    public async Task ANewStoreOnTheSameFileReturnsTheOwnedVsisCountersAndHistory()
    {
        await using (EmbeddedVsiStore first = NewStore())
        {
            await first.OpenAsync(CancellationToken.None);
            await first.ClaimAsync(new VsiClaim("hv1", Vm(1), "associate"), CancellationToken.None);
            await first.ClaimAsync(new VsiClaim("hv2", Vm(2, VdpRequest.PreAssociate), "pre-associate"), CancellationToken.None);
            await first.ClaimAsync(new VsiClaim("hv1", Vm(3), "associate"), CancellationToken.None);
            first.Release(Vm(3).IdText, "expired");
            first.PublishCounters([new VsiSegment(Vm(1).IdText, Counts(5)), new VsiSegment(Vm(3).IdText, Counts(7))]);
            first.PublishCounters([new VsiSegment(Vm(1).IdText, Counts(6))]);   // the latest wins
        }

        await using EmbeddedVsiStore second = NewStore();
        StoreStartup startup = await second.OpenAsync(CancellationToken.None);

        Assert.Equal([("hv1", Vm(1).IdText, VdpRequest.Associate), ("hv2", Vm(2).IdText, VdpRequest.PreAssociate)],
            startup.Owned.OrderBy(o => o.Port).Select(o => (o.Port, o.Vsi.IdText, o.Vsi.Request)));
        Assert.Equal(Vm(1).Filters, startup.Owned.Single(o => o.Port == "hv1").Vsi.Filters);
        Assert.Equal(Counts(6), startup.Segments.Single(s => s.VsiId == Vm(1).IdText).Counters, CountsComparer.Instance);
        Assert.Equal(Counts(7), startup.Segments.Single(s => s.VsiId == Vm(3).IdText).Counters, CountsComparer.Instance);
        Assert.Null(startup.SharedTypes);
        Assert.Equal(["app1/hv1", "-"], (await second.HistoryAsync(Vm(3).IdText, CancellationToken.None)).Select(m => m.To));
        Assert.Equal(3, (await second.ListAsync(CancellationToken.None)).Count);
        Assert.Equal(6, (await second.ListAsync(CancellationToken.None)).Single(v => v.VsiId == Vm(1).IdText).Counters.RxFrames);
    }

    [Fact]
    public async Task AVsiDeAssociatedLongerThanForgetAfterIsForgottenWithItsCountersAndMovesWhileHeldOnesStay()
    {
        await using (EmbeddedVsiStore store = new(StoreFile, _logs.Factory.CreateLogger("hairpin.store"), "app1", _time,
            forgetAfter: TimeSpan.FromDays(30), forgetSweep: TimeSpan.FromMilliseconds(20)))
        {
            await store.OpenAsync(CancellationToken.None);
            await store.ClaimAsync(new VsiClaim("hv1", Vm(1), "associate"), CancellationToken.None);
            await store.ClaimAsync(new VsiClaim("hv1", Vm(2), "associate"), CancellationToken.None);
            await store.ClaimAsync(new VsiClaim("hv1", Vm(3), "associate"), CancellationToken.None);
            store.PublishCounters([new VsiSegment(Vm(1).IdText, Counts(5)), new VsiSegment(Vm(2).IdText, Counts(7))]);
            store.Release(Vm(2).IdText, "de-associated by its station");
            _time.Advance(TimeSpan.FromDays(10));
            store.Release(Vm(3).IdText, "expired: no keep-alive");

            _time.Advance(TimeSpan.FromDays(25));   // vm 2 released 35 days ago, vm 3 25 days ago, vm 1 held all along

            await Eventually.TrueAsync(() => store.ListAsync(CancellationToken.None).Result.Count == 2, "vm 2 forgotten by a sweep");
            Assert.Equal([Vm(1).IdText, Vm(3).IdText], (await store.ListAsync(CancellationToken.None)).Select(v => v.VsiId));
            Assert.Empty(await store.HistoryAsync(Vm(2).IdText, CancellationToken.None));
            Assert.Equal(["app1/hv1", "-"], (await store.HistoryAsync(Vm(3).IdText, CancellationToken.None)).Select(m => m.To));
            CapturedLine forgot = Assert.Single(_logs.Lines, line => line.Message.Contains("forgot", StringComparison.Ordinal));
            Assert.Equal((LogLevel.Information, "1", Vm(2).IdText), (forgot.Level, forgot["Count"], forgot["Vsis"]));
        }

        // Gone from the file too: a restart does not bring back its counters.
        await using EmbeddedVsiStore second = NewStore();
        StoreStartup startup = await second.OpenAsync(CancellationToken.None);
        Assert.Equal([Vm(1).IdText], startup.Segments.Select(s => s.VsiId));
        Assert.Equal([Vm(1).IdText, Vm(3).IdText], (await second.ListAsync(CancellationToken.None)).Select(v => v.VsiId));
    }

    [Fact]
    public async Task AStoreOpenedAfterForgetAfterHasPassedForgetsAtOnce()
    {
        await using (EmbeddedVsiStore first = NewStore())
        {
            await first.OpenAsync(CancellationToken.None);
            await first.ClaimAsync(new VsiClaim("hv1", Vm(1), "associate"), CancellationToken.None);
            await first.ClaimAsync(new VsiClaim("hv1", Vm(2), "associate"), CancellationToken.None);
            first.PublishCounters([new VsiSegment(Vm(2).IdText, Counts(7))]);
            first.Release(Vm(2).IdText, "de-associated by its station");
        }
        _time.Advance(TimeSpan.FromDays(30));   // the appliance was off for a month (the default forget_after)

        await using EmbeddedVsiStore second = NewStore();
        StoreStartup startup = await second.OpenAsync(CancellationToken.None);

        Assert.Empty(startup.Segments);
        Assert.Equal([Vm(1).IdText], (await second.ListAsync(CancellationToken.None)).Select(v => v.VsiId));
        Assert.Contains(_logs.Lines, line => line.Message.Contains($"forgot 1 VSIs de-associated over 30 days ago, with their counters and moves: {Vm(2).IdText}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheFileIsWrittenInTheBackgroundWithoutWaitingForTheEnd()
    {
        await using EmbeddedVsiStore store = NewStore(TimeSpan.FromMilliseconds(20));
        await store.OpenAsync(CancellationToken.None);

        await store.ClaimAsync(new VsiClaim("hv1", Vm(1), "associate"), CancellationToken.None);

        await Eventually.TrueAsync(() => File.Exists(StoreFile) && File.ReadAllText(StoreFile).Contains(Vm(1).IdText, StringComparison.Ordinal), "the claim written to the file");
        Assert.False(File.Exists(StoreFile + ".tmp"));
    }

    [Fact]
    public async Task AMissingFileIsAnEmptyStore()
    {
        await using EmbeddedVsiStore store = NewStore();

        StoreStartup startup = await store.OpenAsync(CancellationToken.None);

        Assert.Empty(startup.Owned);
        Assert.Empty(startup.Segments);
        Assert.DoesNotContain(_logs.Lines, line => line.Level >= LogLevel.Warning);
    }

    [Theory]
    [InlineData("{ \"format\": \"hairpin-vsi-store\", \"vsis\": [ ", "not JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{ \"something\": \"else\" }", "not a VSI store")]
    [InlineData("{ \"format\": \"hairpin-vsi-store\", \"vsis\": 3 }", "\"vsis\" is not a list")]
    public async Task ACorruptFileIsSetAsideLoggedAndTheStoreStartsEmpty(string text, string reason)
    {
        File.WriteAllText(StoreFile, text);
        await using EmbeddedVsiStore store = NewStore();

        StoreStartup startup = await store.OpenAsync(CancellationToken.None);

        Assert.Empty(startup.Owned);
        Assert.Equal(text, File.ReadAllText(StoreFile + ".corrupt"));
        Assert.False(File.Exists(StoreFile));
        CapturedLine logged = Assert.Single(_logs.Lines, line => line.Level == LogLevel.Error);
        Assert.Equal(StoreFile, logged["File"]);
        Assert.Contains(reason, logged["Reason"], StringComparison.Ordinal);
        await store.ClaimAsync(new VsiClaim("hv1", Vm(1), "associate"), CancellationToken.None);   // and it works
    }

    [Fact]
    public async Task AnEntryThatDoesNotParseIsSkippedAndTheRestLoads()
    {
        await using (EmbeddedVsiStore first = NewStore())
        {
            await first.OpenAsync(CancellationToken.None);
            await first.ClaimAsync(new VsiClaim("hv1", Vm(1), "associate"), CancellationToken.None);
            await first.ClaimAsync(new VsiClaim("hv2", Vm(2), "associate"), CancellationToken.None);
        }
        string text = File.ReadAllText(StoreFile);
        File.WriteAllText(StoreFile, text.Replace("\"port\": \"hv2\"", "\"port\": 2", StringComparison.Ordinal));
        await using EmbeddedVsiStore second = NewStore();

        StoreStartup startup = await second.OpenAsync(CancellationToken.None);

        Assert.Equal(["hv1"], startup.Owned.Select(o => o.Port));
        Assert.Contains(_logs.Lines, line => line.Level == LogLevel.Warning && line["What"]!.StartsWith("a VSI", StringComparison.Ordinal));
        Assert.False(File.Exists(StoreFile + ".corrupt"));
    }

    [Fact]
    public async Task HistoryKeepsTheLatestMovesOfAVsi()
    {
        await using EmbeddedVsiStore store = NewStore();
        await store.OpenAsync(CancellationToken.None);

        for (int i = 0; i < EmbeddedVsiStore.HistoryLength + 10; i++)
        {
            await store.ClaimAsync(new VsiClaim($"hv{i}", Vm(1), "associate"), CancellationToken.None);
        }

        IReadOnlyList<VsiMove> history = await store.HistoryAsync(Vm(1).IdText, CancellationToken.None);
        Assert.Equal(EmbeddedVsiStore.HistoryLength, history.Count);
        Assert.Equal("app1/hv10", history[0].To);
        Assert.Equal($"app1/hv{EmbeddedVsiStore.HistoryLength + 9}", history[^1].To);
    }

    [Fact]
    public async Task AFailedWriteIsLoggedAndTriedAgainNeverThrown()
    {
        Directory.CreateDirectory(StoreFile);   // the file's place taken: the rename fails
        await using EmbeddedVsiStore store = NewStore(TimeSpan.FromMilliseconds(20));
        await store.OpenAsync(CancellationToken.None);

        await store.ClaimAsync(new VsiClaim("hv1", Vm(1), "associate"), CancellationToken.None);
        await Eventually.TrueAsync(() => _logs.Lines.Any(line => line.Level == LogLevel.Warning && line["File"] == StoreFile), "the failed write logged");
        Directory.Delete(StoreFile);

        await Eventually.TrueAsync(() => File.Exists(StoreFile) && File.ReadAllText(StoreFile).Contains(Vm(1).IdText, StringComparison.Ordinal), "the write tried again");
    }

    [Fact]
    public async Task CallersOnManyThreadsAtOnceLoseNothing()
    {
        const int Threads = 8;
        const int VsisEach = 50;
        await using (EmbeddedVsiStore first = NewStore(TimeSpan.FromMilliseconds(5)))
        {
            await first.OpenAsync(CancellationToken.None);
            await Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
            {
                for (int i = 0; i < VsisEach; i++)
                {
                    int n = t * VsisEach + i;
                    await first.ClaimAsync(new VsiClaim("hv1", Vm(n), "associate"), CancellationToken.None);
                    await first.ClaimAsync(new VsiClaim("hv2", Vm(n), "associate"), CancellationToken.None);
                    first.PublishCounters([new VsiSegment(Vm(n).IdText, Counts(n))]);
                    _ = await first.ListAsync(CancellationToken.None);
                }
            })));
        }

        await using EmbeddedVsiStore second = NewStore();
        StoreStartup startup = await second.OpenAsync(CancellationToken.None);

        Assert.Equal(Threads * VsisEach, startup.Owned.Count);
        Assert.All(startup.Owned, owned => Assert.Equal("hv2", owned.Port));
        Assert.Equal(Threads * VsisEach, startup.Segments.Count);
        Assert.All(startup.Segments, segment => Assert.Equal(segment.Counters.RxFrames * 100, segment.Counters.RxBytes));
        Assert.Equal(2, (await second.HistoryAsync(Vm(Threads * VsisEach - 1).IdText, CancellationToken.None)).Count);
    }

    /// <summary>Snapshots compare their drop dictionaries by content.</summary>
    private sealed class CountsComparer : IEqualityComparer<VsiCountersSnapshot>
    {
        public static readonly CountsComparer Instance = new();

        public bool Equals(VsiCountersSnapshot? x, VsiCountersSnapshot? y) =>
            x is not null && y is not null && (x.RxFrames, x.RxBytes, x.TxFrames, x.TxBytes) == (y.RxFrames, y.RxBytes, y.TxFrames, y.TxBytes)
            && x.Dropped.OrderBy(p => p.Key).SequenceEqual(y.Dropped.OrderBy(p => p.Key))
            && x.EgressDropped.OrderBy(p => p.Key).SequenceEqual(y.EgressDropped.OrderBy(p => p.Key));

        public int GetHashCode(VsiCountersSnapshot obj) => obj.RxFrames.GetHashCode();
    }
}
