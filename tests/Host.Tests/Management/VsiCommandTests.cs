// `hairpin vsi history ID` and the store-aware `vsi show`, end to end: the CLI through the real socket
// to a running bridge's BridgeControl, whose VSI store is an EmbeddedVsiStore; and the tables alone.
using System.Text.Json;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Qbg;
using Hairpin.Host.Commands;
using Hairpin.Host.Management;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Tests.Management;

public sealed class VsiCommandTests
{
    private static readonly string VmIdText = QbgBridgeLab.VmId.ToString();

    private static VsiRecord Vm(VdpRequest request = VdpRequest.Associate) =>
        new(QbgBridgeLab.VmId, VdpManagerId.FromText("mgr1"), 42, 1, request, VsiHint.None, VdpFilterFormat.MacVid,
            [new VdpFilter(0, false, 10, QbgBridgeLab.VmMac, null)], TimeSpan.Zero, TimeSpan.Zero);

    private static Task<QbgBridgeLab> StartWithStoreAsync() =>
        QbgBridgeLab.StartAsync(store: lab => new EmbeddedVsiStore(Path.Combine(lab.Directory, "bridge.vsi.json"), lab.Log.Factory.CreateLogger("hairpin.store"), "app1", lab.Clock));

    private static EmbeddedVsiStore StoreOf(QbgBridgeLab lab) => (EmbeddedVsiStore)lab.Runtime.VsiStore!;

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task VsiHistoryPrintsEveryMoveTheStoreRecordedOldestFirst()
    {
        await using QbgBridgeLab lab = await StartWithStoreAsync();
        EmbeddedVsiStore store = StoreOf(lab);
        await store.ClaimAsync(new VsiClaim("hv1", Vm(), "associate"), CancellationToken.None);
        lab.Clock.Advance(TimeSpan.FromSeconds(65));
        await store.ClaimAsync(new VsiClaim("hv2", Vm(VdpRequest.PreAssociateWithReservation), "pre-associate-rr (M)"), CancellationToken.None);
        lab.Clock.Advance(TimeSpan.FromSeconds(2));
        store.Release(VmIdText, "expired");

        (int exit, string output, string error) = lab.Cli("vsi", "history", VmIdText.ToUpperInvariant());

        Assert.Equal((0, ""), (exit, error));
        Assert.Equal(
        [
            "TIME                  FROM      TO        REQUEST",
            "2026-01-01 00:00:00Z  -         app1/hv1  associate",
            "2026-01-01 00:01:05Z  app1/hv1  app1/hv2  pre-associate-rr (M)",
            "2026-01-01 00:01:07Z  app1/hv2  -         expired",
        ], Lines(output));
    }

    [Fact]
    public async Task VsiHistoryJsonCarriesTheMovesAndAVsiThatNeverMovedHasNone()
    {
        await using QbgBridgeLab lab = await StartWithStoreAsync();
        EmbeddedVsiStore store = StoreOf(lab);
        await store.ClaimAsync(new VsiClaim("hv1", Vm(), "associate"), CancellationToken.None);

        (int exit, string json, _) = lab.Cli("vsi", "history", VmIdText, "--json");
        (int noneExit, string none, _) = lab.Cli("vsi", "history", "00000000-0000-4000-8000-000000000001");

        Assert.Equal(0, exit);
        JsonElement move = Assert.Single(JsonDocument.Parse(json).RootElement.EnumerateArray().ToList());
        Assert.Equal((JsonValueKind.Null, "app1/hv1", "associate"), (move.GetProperty("from").ValueKind, move.GetProperty("to").GetString(), move.GetProperty("request").GetString()));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), move.GetProperty("at").GetDateTimeOffset());
        Assert.Equal((0, "no moves recorded for VSI 00000000-0000-4000-8000-000000000001"), (noneExit, none.Trim()));
    }

    [Fact]
    public async Task ABridgeWithoutAStoreSaysItKeepsNoHistory()
    {
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync();

        (int exit, _, string error) = lab.Cli("vsi", "history", VmIdText);

        Assert.Equal(1, exit);
        Assert.Equal("hairpin vsi: this bridge has no VSI store open (store: in its config): it keeps no VSI history", error.Trim());
    }

    [Theory]
    [InlineData("vsi", "history")]
    [InlineData("vsi", "history", "a", "b")]
    public void VsiHistoryTakesExactlyOneVsiId(params string[] args)
    {
        (int exit, _, string error) = ManagementFixture.RunCli(["--socket", "/nonexistent/hairpin.sock", .. args]);

        Assert.Equal(2, exit);
        Assert.Contains("vsi", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VsiShowNamesNoApplianceWhenTheStoreIsThisAppliancesAlone()
    {
        // The embedded store serves one appliance: an APPLIANCE column would repeat the host name on every row.
        await using QbgBridgeLab lab = await StartWithStoreAsync();
        await lab.AssociateVmAsync();

        string[] lines = Lines(lab.Cli("vsi", "show").Output);
        VsiInfo shown = Assert.Single(await lab.Control.ShowVsisAsync(CancellationToken.None));

        Assert.Null(shown.Appliance);
        Assert.StartsWith("VSI                                   FORMAT  TYPE  MANAGER  FILTER                PORT  STATE", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{VmIdText}  uuid    42/1  mgr1     52:54:00:8e:aa:11@10  hv1   associated", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void VsiShowLeavesTheApplianceColumnOutWhereNoStoreNamesOne()
    {
        var vsi = new VsiInfo("a1412857-60f7-4ce1-e95a-2164943f53aa", "uuid", 42, 1, "mgr1", [new VsiFilterInfo("52:54:00:8e:aa:11", 10)], "vm1", "associated",
            null, 3, 1, new VsiTrafficInfo(new TrafficCounters(2, 128), new TrafficCounters(1, 64), new Dictionary<string, long>()));

        List<string> plain = VsiCommand.Table([vsi]);
        List<string> mixed = VsiCommand.Table([vsi, vsi with { VsiId = "52:54:00:00:00:0b", Format = "mac", Appliance = "rack2", State = "associated" }]);

        Assert.DoesNotContain("APPLIANCE", plain[0], StringComparison.Ordinal);
        Assert.Contains("  FILTER                APPLIANCE  PORT  ", mixed[0], StringComparison.Ordinal);
        Assert.Contains("52:54:00:8e:aa:11@10  -          vm1   associated", mixed[1], StringComparison.Ordinal);
        Assert.Contains("52:54:00:8e:aa:11@10  rack2      vm1   associated", mixed[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task VsiShowAddsTheVsisAnotherApplianceHoldsWithTheStoresCounters()
    {
        var elsewhere = new StoredVsi("52:54:00:00:00:0b", "rack2", "hv7", "associated", new VsiTypeRef(42, 1), [new VsiFilterEntry(MacAddress.Parse("52:54:00:00:00:0b"), 10)],
            DateTimeOffset.UtcNow, new VsiCountersSnapshot(5, 320, 4, 256, new Dictionary<DropReason, long>(), new Dictionary<DropReason, long>(), 0, 0, 0, 0));
        var released = elsewhere with { VsiId = "52:54:00:00:00:0c", State = "de-associated" };
        await using QbgBridgeLab lab = await QbgBridgeLab.StartAsync(store: _ => new ListingStore("app1", [elsewhere, released]));
        await lab.AssociateVmAsync();

        IReadOnlyList<VsiInfo> shown = await lab.Control.ShowVsisAsync(CancellationToken.None);

        Assert.Equal([(VmIdText, "app1", "hv1"), ("52:54:00:00:00:0b", "rack2", "hv7")], shown.Select(vsi => (vsi.VsiId, vsi.Appliance, vsi.Port)));
        Assert.Equal(("mac", 5L, 4L), (shown[1].Format, shown[1].Counters.In.Frames, shown[1].Counters.Out.Frames));
    }

    /// <summary>A store that only lists: what another appliance's claims look like to this one.</summary>
    private sealed class ListingStore(string appliance, IReadOnlyList<StoredVsi> vsis) : IVsiStore
    {
        public string Appliance => appliance;
        public bool SharedBySite => true;
        public StoreHealth Health => StoreHealth.Connected;

        public event EventHandler<VsiStoreEvent>? Changed
        {
            add { }
            remove { }
        }

        public string Describe() => "listing";
        public Task<StoreStartup> OpenAsync(CancellationToken cancel) => Task.FromResult(new StoreStartup([], [], null));
        public Task<ClaimOutcome> ClaimAsync(VsiClaim claim, CancellationToken cancel) => Task.FromResult<ClaimOutcome>(new ClaimOutcome.Won(null));
        public void Update(string port, VsiRecord vsi) { }
        public void Release(string vsiId, string reason) { }
        public void PublishCounters(IReadOnlyList<VsiSegment> segments) { }
        public Task<IReadOnlyList<StoredVsi>> ListAsync(CancellationToken cancel) => Task.FromResult(vsis);
        public Task<IReadOnlyList<VsiMove>> HistoryAsync(string vsiId, CancellationToken cancel) => Task.FromResult<IReadOnlyList<VsiMove>>([]);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
