// The embedded store's promise: a restarted appliance comes back with its associations and its
// counters. The VM passes again before its station speaks (the VSI is held from the file), its
// counters continue from where they were (totals exact), and its station's keep-alive refreshes it.
using System.Text.Json;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Tests.Qbg.Store;

public sealed class ApplianceRestartTests : IDisposable
{
    private readonly string _stateDirectory = Path.Combine(Path.GetTempPath(), $"hairpin-restart-{Guid.NewGuid():N}");

    public ApplianceRestartTests() => Directory.CreateDirectory(_stateDirectory);

    public void Dispose() => Directory.Delete(_stateDirectory, recursive: true);

    private Task<QbgBridgeLab> StartAsync() =>
        QbgBridgeLab.StartAsync(store: lab => new EmbeddedVsiStore(Path.Combine(_stateDirectory, "bridge.vsi.json"),
            lab.Log.Factory.CreateLogger("hairpin.store"), "app1", lab.Clock));

    [Fact]
    public async Task ARestartedApplianceHoldsItsVsisAgainAndItsCountersContinue()
    {
        await using (QbgBridgeLab before = await StartAsync())
        {
            await before.AssociateVmAsync();
            for (int i = 0; i < 5; i++)
            {
                before.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.HostAddress));
            }
            before.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.DeniedAddress));
            await before.SettleAsync();
            Assert.Equal(5, (await before.SentUpAsync()).Count);
        }   // a clean stop: the last counts and the table go to the file

        await using QbgBridgeLab after = await StartAsync();
        Assert.Contains(after.Log.Lines, line => line.Message.Contains("restored on port hv1 from the store", StringComparison.Ordinal));
        Assert.Contains(after.Hv1.Vsi.Bindings, binding => binding.Mac == QbgBridgeLab.VmMac && binding.Vid == 10);

        // The VM's frames pass before its station has said a word since the restart.
        after.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.HostAddress));
        after.Station.Send(QbgBridgeLab.VmFrame(QbgBridgeLab.DeniedAddress));   // and its type's ACL applies from the first frame
        await after.SettleAsync();
        Assert.Single(await after.SentUpAsync());

        using (JsonDocument shown = JsonDocument.Parse(after.Cli("--json", "vsi", "show").Output))
        {
            JsonElement vsi = Assert.Single(shown.RootElement.EnumerateArray());
            Assert.Equal(("associated", "hv1"), (vsi.GetProperty("state").GetString(), vsi.GetProperty("port").GetString()));
            JsonElement counters = vsi.GetProperty("counters");
            Assert.Equal(8, counters.GetProperty("in").GetProperty("frames").GetInt64());   // 6 before the restart, 2 after: continued, not restarted
            Assert.Equal(2, counters.GetProperty("drops").GetProperty("acl-denied").GetInt64());
        }

        // Its station's keep-alive (the same request again) refreshes the restored VSI: no claim, no change.
        await after.AssociateVmAsync();
        Assert.Equal(1, await after.Runtime.OnForwardingThread(_ => after.Runtime.Qbg.Port(0)!.Vdp.Counters.Restored));
    }
}
