// The bridge's counters as System.Diagnostics.Metrics instruments (meter "Hairpin.Bridge"), so
// `dotnet-counters monitor -n hairpin --counters Hairpin.Bridge` shows them live, and the Prometheus
// endpoint formats the very same measurements. Observable: nothing is recorded on the forwarding
// path; values are read (a batch behind at most) when a listener asks.
using System.Diagnostics.Metrics;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Host.Management;
using Hairpin.Host.Runtime;

namespace Hairpin.Host.Metrics;

public sealed class BridgeMetrics : IDisposable
{
    public const string MeterName = "Hairpin.Bridge";

    private readonly Meter _meter = new(MeterName);
    private readonly BridgeRuntime _runtime;

    public BridgeMetrics(BridgeRuntime runtime)
    {
        _runtime = runtime;
        PortCounter("hairpin.port.rx.frames", "{frame}", "Frames received on the port", c => c.RxFrames);
        PortCounter("hairpin.port.rx.bytes", "By", "Bytes received on the port", c => c.RxBytes);
        PortCounter("hairpin.port.tx.frames", "{frame}", "Frames sent out of the port", c => c.TxFrames);
        PortCounter("hairpin.port.tx.bytes", "By", "Bytes sent out of the port", c => c.TxBytes);
        PortCounter("hairpin.port.forwarded", "{frame}", "Frames from the port forwarded to at least one port", c => c.Forwarded);
        PortCounter("hairpin.port.flooded", "{frame}", "Frames from the port flooded", c => c.Flooded);
        PortCounter("hairpin.port.trapped", "{frame}", "Link-local frames from the port sent to the control plane", c => c.Trapped);
        PortCounter("hairpin.port.learned", "{event}", "MACs learned on the port", c => c.Learned);
        _meter.CreateObservableCounter("hairpin.port.dropped", Drops, "{frame}", "Frames dropped, by port, direction and reason");
        _meter.CreateObservableCounter("hairpin.port.protection.events", ProtectionEvents, "{event}", "Protection events on the port, by event (error-disabled, recovered, mac-move-damped) and cause");
        _meter.CreateObservableCounter("hairpin.port.link.dropped", LinkDrops, "{frame}", "Frames lost between the wire and the engine, by port and cause");
        _meter.CreateObservableCounter("hairpin.port.link.downs", () => Each((port, _) => _runtime.Ports[port].LinkDowns), "{event}", "Times the port's peer went away");
        _meter.CreateObservableGauge("hairpin.port.up", () => Each((port, _) => _runtime.Ports[port].IsUp ? 1L : 0L), null, "1 while the port's peer is attached");
        _meter.CreateObservableGauge("hairpin.fdb.entries", () => (long)_runtime.Engine.Fdb.Count, "{entry}", "FDB entries, learned and static");
        _meter.CreateObservableCounter("hairpin.config.reloads", Reloads, "{event}", "Configuration reloads (SIGHUP or config reload), by result: applied or refused");
    }

    public void Dispose() => _meter.Dispose();

    private void PortCounter(string name, string unit, string description, Func<PortCounters, long> read) =>
        _meter.CreateObservableCounter(name, () => Each((_, counters) => read(counters)), unit, description);

    private IEnumerable<Measurement<long>> Each(Func<int, PortCounters, long> read)
    {
        for (int port = 0; port < _runtime.Ports.Count; port++)
        {
            yield return PortMeasurements.OfPort(read(port, _runtime.Engine.Counters(port)), _runtime.Ports[port].PortName);
        }
    }

    private IEnumerable<Measurement<long>> Drops()
    {
        for (int port = 0; port < _runtime.Ports.Count; port++)
        {
            PortCounters counters = _runtime.Engine.Counters(port);
            string name = _runtime.Ports[port].PortName;
            for (int reason = 0; reason < DropReasons.Count; reason++)
            {
                long ingress = counters.Dropped[reason];
                long egress = counters.EgressDropped[reason];
                string reasonName = DropReasons.Name((DropReason)reason);
                if (ingress != 0)
                {
                    yield return PortMeasurements.Drop(ingress, name, "ingress", reasonName);
                }
                if (egress != 0)
                {
                    yield return PortMeasurements.Drop(egress, name, "egress", reasonName);
                }
            }
        }
    }

    private IEnumerable<Measurement<long>> Reloads()
    {
        yield return new(_runtime.Reloads.Applied, new KeyValuePair<string, object?>("result", "applied"));
        yield return new(_runtime.Reloads.Refused, new KeyValuePair<string, object?>("result", "refused"));
    }

    private IEnumerable<Measurement<long>> ProtectionEvents()
    {
        for (int port = 0; port < _runtime.Ports.Count; port++)
        {
            string name = _runtime.Ports[port].PortName;
            foreach (ProtectionCount count in BridgeControl.ProtectionCounts(_runtime.Engine.Counters(port)))
            {
                yield return new Measurement<long>(count.Count,
                    new KeyValuePair<string, object?>("port", name), new KeyValuePair<string, object?>("event", count.Event), new KeyValuePair<string, object?>("cause", count.Cause));
            }
        }
    }

    private IEnumerable<Measurement<long>> LinkDrops()
    {
        for (int port = 0; port < _runtime.Ports.Count; port++)
        {
            string name = _runtime.Ports[port].PortName;
            var queues = _runtime.Ports[port];
            PortLinkCounters link = _runtime.LinkCounters[port];
            yield return LinkDrop(queues.Inbound.DroppedFull, name, "rx-queue-full");
            yield return LinkDrop(queues.Inbound.DroppedOversized, name, "rx-oversized");
            yield return LinkDrop(link.RxDroppedNoBuffer, name, "rx-no-buffer");
            yield return LinkDrop(link.TxDroppedQueueFull, name, "tx-queue-full");
            yield return LinkDrop(link.TxDroppedLinkDown, name, "tx-link-down");
        }
    }

    private static Measurement<long> LinkDrop(long value, string port, string cause) =>
        new(value, new KeyValuePair<string, object?>("port", port), new KeyValuePair<string, object?>("cause", cause));
}
