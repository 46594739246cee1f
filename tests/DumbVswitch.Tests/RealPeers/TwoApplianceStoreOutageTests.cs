// Issue 10 with real peers: the VSI store (a real etcd) is killed and started again while VM A, associated
// on appliance a, talks to host C. Forwarding never waits on the store, so not one ping is lost; once
// etcd is back, appliance b (which sees a's VSIs only through the store) shows the VM's counters as a
// counted them.
using System.Diagnostics;
using System.Globalization;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class TwoApplianceStoreOutageTests(ITestOutputHelper output)
{
    private const int PingCount = 80;
    private const double PingInterval = 0.1;

    [Fact(Timeout = 55_000)]
    public async Task EtcdKilledAndRestartedUnderTrafficLosesNoFrameAndTheStoreConvergesAfterwards()
    {
        await using TwoApplianceLab lab = await TwoApplianceLab.StartAsync(TwoApplianceMoveTests.Policy);
        Assert.True(await Eventually.HoldsAsync(() => TwoApplianceLab.Shown(lab.ApplianceB) is [{ Appliance: "a", State: "associated" }], 10_000),
            $"b sees VM A on a through the store{lab.Diagnostics()}");
        ShownVsi before = lab.LocalVsi(lab.ApplianceA)!;

        Task<PingRun> pings = TwoApplianceLab.PingAsync(lab.VmSource, TwoApplianceLab.AddressC, PingCount, PingInterval);
        await Task.Delay(1000);
        await lab.Etcd.StopAsync();
        await Task.Delay(4000);
        await lab.Etcd.StartAgainAsync();
        var sinceRestart = Stopwatch.StartNew();
        PingRun run = await pings;
        Assert.True(run.Lost == 0, $"{run.Lost} of {run.Sent} pings lost while etcd was down (icmp_seq {string.Join(',', run.Unanswered)}){lab.Diagnostics()}");

        ShownVsi? onA = null;
        Assert.True(await Eventually.HoldsAsync(() => (onA = lab.LocalVsi(lab.ApplianceA)) is { State: "associated" }
            && onA.InFrames == before.InFrames + run.Replies && onA.OutFrames == before.OutFrames + run.Sent, 3_000),
            $"a counted every ping: in {onA?.InFrames} = {before.InFrames} + {run.Replies}, out {onA?.OutFrames} = {before.OutFrames} + {run.Sent}{lab.Diagnostics()}");
        ShownVsi? onB = null;
        Assert.True(await Eventually.HoldsAsync(() => TwoApplianceLab.Shown(lab.ApplianceB) is [var stored] && (onB = stored) is { Appliance: "a", Port: TwoApplianceLab.PortA, State: "associated" }
            && (stored.InFrames, stored.OutFrames) == (onA!.InFrames, onA.OutFrames), 3_000),
            $"b shows a's VSI associated ({onB?.State}) with its counters from the store: in {onB?.InFrames}, out {onB?.OutFrames}; a has {onA!.InFrames}, {onA.OutFrames}{lab.Diagnostics()}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"etcd down 4 s under a ping every {PingInterval} s: {run.Lost} of {run.Sent} lost; b showed a's counters (state associated) by {sinceRestart.Elapsed.TotalSeconds:0.0} s after etcd was back"));
    }
}
