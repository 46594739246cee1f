// The vswitch's counters reach dotnet-counters and Prometheus through its meter: what the VEPA
// switch counted is what the exposition says, per port and drop reason.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Metrics;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Metrics;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Metrics;

public sealed class VswitchMetricsTests
{
    [Fact]
    public async Task PrometheusTextShowsPerPortTrafficAndDropReasons()
    {
        await using var vswitch = new RunningVswitch([Vm("vm1", Mac1), Vm("vm2", Mac2)]);
        using var metrics = new VswitchMetrics(vswitch.Runtime);
        Assert.True(await vswitch.AllUpAsync());

        await vswitch.Vm(0).InjectAsync(Frame(Mac1, MacAddress.Broadcast));
        await vswitch.Vm(0).InjectAsync(Frame(Mac2, MacAddress.Broadcast));   // spoofed: vm1 sending as vm2
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Runtime.Switch.Vms[0].RxFrames == 2));
        Assert.True(await Eventually.HoldsAsync(() => vswitch.Runtime.Uplink.Counters.TxFrames == 1));   // tx: once it has left

        string text = PrometheusText.Collect(VswitchMetrics.MeterName);
        Assert.Contains("dvs_port_rx_frames_total{port=\"vm1\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("dvs_port_tx_frames_total{port=\"uplink\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("dvs_port_dropped_total{port=\"vm1\",direction=\"ingress\",reason=\"spoofed-source\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("dvs_port_queued_frames_total{port=\"uplink\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("dvs_port_link_ups_total{port=\"vm2\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("dvs_port_up{port=\"vm2\"} 1", text, StringComparison.Ordinal);
    }
}
