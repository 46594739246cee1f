// The dumb vswitch's counters as System.Diagnostics.Metrics instruments (meter
// "Hairpin.DumbVswitch"), for dotnet-counters and the same Prometheus endpoint the bridge uses.
// Observable: read from the VEPA counters when a listener asks, never recorded per frame.
using System.Diagnostics.Metrics;
using Hairpin.DumbVswitch.Runtime;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Metrics;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Metrics;

public sealed class VswitchMetrics : IDisposable
{
    public const string MeterName = "Hairpin.DumbVswitch";

    private readonly Meter _meter = new(MeterName);
    private readonly DumbVswitchRuntime _runtime;

    public VswitchMetrics(DumbVswitchRuntime runtime)
    {
        _runtime = runtime;
        PortCounter("dvs.port.rx.frames", "{frame}", "Frames received on the port (uplink or VM)", c => c.RxFrames);
        PortCounter("dvs.port.rx.bytes", "By", "Bytes received on the port", c => c.RxBytes);
        PortCounter("dvs.port.tx.frames", "{frame}", "Frames sent out of the port", c => c.TxFrames);
        PortCounter("dvs.port.tx.bytes", "By", "Bytes sent out of the port", c => c.TxBytes);
        _meter.CreateObservableCounter("dvs.port.dropped", Drops, "{frame}", "Frames dropped, by port, direction and reason");
        _meter.CreateObservableGauge("dvs.port.up", () => Ports().Select(p => PortMeasurements.OfPort(p.Queues.IsUp ? 1L : 0L, p.Counters.Name)), null, "1 while the port's peer is attached");
    }

    public void Dispose() => _meter.Dispose();

    private IEnumerable<(VepaPortCounters Counters, PortQueues Queues)> Ports()
    {
        yield return (_runtime.Switch.Uplink, _runtime.Uplink);
        for (int vm = 0; vm < _runtime.Vms.Count; vm++)
        {
            yield return (_runtime.Switch.Vms[vm], _runtime.Vms[vm]);
        }
    }

    private void PortCounter(string name, string unit, string description, Func<VepaPortCounters, long> read) =>
        _meter.CreateObservableCounter(name, () => Ports().Select(p => PortMeasurements.OfPort(read(p.Counters), p.Counters.Name)), unit, description);

    private IEnumerable<Measurement<long>> Drops()
    {
        foreach ((VepaPortCounters counters, _) in Ports())
        {
            for (int reason = 0; reason < VepaDropReasons.Count; reason++)
            {
                string name = VepaDropReasons.Name((VepaDropReason)reason);
                if (counters.Dropped[reason] != 0)
                {
                    yield return PortMeasurements.Drop(counters.Dropped[reason], counters.Name, "ingress", name);
                }
                if (counters.EgressDropped[reason] != 0)
                {
                    yield return PortMeasurements.Drop(counters.EgressDropped[reason], counters.Name, "egress", name);
                }
            }
        }
    }
}
