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
        // As the bridge's (specs/transports.md): rx.frames = forwarded + trapped + dropped{direction=ingress}.
        LinkInstruments.Create(_meter, "dvs", () => Ports().Select(p => (p.Counters.Name, p.Queues.Counters)));
        PortCounter("dvs.port.queued.frames", "{frame}", "Copies the switch handed to the port to send (uplink: and the EVB station's frames)", c => c.TxFrames);
        PortCounter("dvs.port.trapped.frames", "{frame}", "Frames received for the uplink's EVB station (LLDP, ECP), neither forwarded nor dropped", c => c.Trapped);
        _meter.CreateObservableCounter("dvs.port.dropped", Drops, "{frame}", "Frames dropped, by port, direction and reason (rx-*/tx-*: between the wire and the switch)");
        _meter.CreateObservableGauge("dvs.port.up", () => Ports().Select(p => PortMeasurements.OfPort(p.Queues.IsUp ? 1L : 0L, p.Counters.Name)), null, "1 while the port's link is up (its peer attached; an afpacket port's interface up with carrier)");
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
        foreach ((VepaPortCounters counters, PortQueues queues) in Ports())
        {
            foreach (Measurement<long> drop in LinkInstruments.Drops(counters.Name, queues.Counters))
            {
                yield return drop;
            }
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
