// The bridge's counters as System.Diagnostics.Metrics instruments (meter "Hairpin.Bridge"), so
// `dotnet-counters monitor -n hairpin --counters Hairpin.Bridge` shows them live, and the Prometheus
// endpoint formats the very same measurements. Observable: nothing is recorded on the forwarding
// path; values are read (a batch behind at most) when a listener asks. Traffic and link events come
// from the host's counters (what crossed the wire), forwarding decisions from the engine's, 802.1Qbg
// from each `evb:` port's protocol machines.
using System.Diagnostics.Metrics;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Host.Management;
using Hairpin.Host.Mvrp;
using Hairpin.Host.Runtime;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Metrics;

public sealed class BridgeMetrics : IDisposable
{
    public const string MeterName = "Hairpin.Bridge";

    private readonly Meter _meter = new(MeterName);
    private readonly BridgeRuntime _runtime;

    public BridgeMetrics(BridgeRuntime runtime)
    {
        _runtime = runtime;
        // The port's accounting (specs/transports.md): rx.frames = forwarded + trapped + dropped{direction=ingress};
        // every copy meant for the port = tx.frames + dropped{direction=egress}.
        LinkInstruments.Create(_meter, "hairpin", () => _runtime.Ports.Select(port => (port.PortName, port.Counters)));
        PortCounter("hairpin.port.queued.frames", "{frame}", "Frames the bridge queued to send out of the port (sent, or a tx-* drop, or waiting)", c => c.TxFrames);
        PortCounter("hairpin.port.forwarded", "{frame}", "Frames from the port forwarded to at least one port", c => c.Forwarded);
        PortCounter("hairpin.port.flooded", "{frame}", "Frames from the port flooded", c => c.Flooded);
        PortCounter("hairpin.port.trapped", "{frame}", "Link-local frames from the port sent to the control plane", c => c.Trapped);
        PortCounter("hairpin.port.learned", "{event}", "MACs learned on the port", c => c.Learned);
        _meter.CreateObservableCounter("hairpin.port.dropped", Drops, "{frame}", "Frames dropped, by port, direction and reason (rx-*/tx-*: between the wire and the engine)");
        _meter.CreateObservableCounter("hairpin.port.protection.events", ProtectionEvents, "{event}", "Protection events on the port, by event (error-disabled, recovered, mac-move-damped) and cause");
        _meter.CreateObservableGauge("hairpin.port.up", () => Each((port, _) => _runtime.Ports[port].IsUp ? 1L : 0L), null, "1 while the port's link is up (its peer attached; an afpacket port's interface up with carrier)");
        _meter.CreateObservableGauge("hairpin.fdb.entries", () => (long)_runtime.Engine.Fdb.Count, "{entry}", "FDB entries, learned and static");
        _meter.CreateObservableCounter("hairpin.config.reloads", Reloads, "{event}", "Configuration reloads (SIGHUP or config reload), by result: applied or refused");
        QbgInstruments.Create(_meter, "hairpin", EvbPorts);
        _meter.CreateObservableCounter("hairpin.mvrp.pdus", () => MvrpPorts().SelectMany(p => new[]
        {
            Tagged(p.Stats.PdusSent, p.Port, "direction", "tx"),
            Tagged(p.Stats.PdusReceived, p.Port, "direction", "rx"),
        }), "{frame}", "MVRPDUs the mvrp: port sent and received well-formed, by direction");
        MvrpCounter("hairpin.mvrp.malformed", "{frame}", "MVRPDUs dropped as malformed (mvrp show says why)", s => s.Malformed);
        _meter.CreateObservableCounter("hairpin.mvrp.leaveall", () => MvrpPorts().SelectMany(p => new[]
        {
            Tagged(p.Stats.LeaveAllSent, p.Port, "direction", "tx"),
            Tagged(p.Stats.LeaveAllReceived, p.Port, "direction", "rx"),
        }), "{event}", "LeaveAll events, by direction");
        MvrpCounter("hairpin.mvrp.registrations.refused", "{event}", "Declarations refused because the port had registered its max_vids", s => s.RegistrationsRefused);
        MvrpCounter("hairpin.mvrp.declarations.ignored", "{event}", "Declarations heard by a fixed or forbidden registrar, which registers none", s => s.DeclarationsIgnored);
        MvrpCounter("hairpin.mvrp.fdb.flushes", "{event}", "Flushes of the port's learned FDB entries in one VLAN that an MVRP New asked for (802.1Q 11.2.5)", s => s.VlanFlushes);
        MvrpCounter("hairpin.mvrp.fdb.flushed", "{entry}", "Learned FDB entries those flushes removed", s => s.EntriesFlushed);
        _meter.CreateObservableGauge("hairpin.mvrp.dynamic.vlans", () => MvrpPorts().Select(p => PortMeasurements.OfPort(p.Stats.DynamicVlans, p.Port)),
            "{vlan}", "VLANs MVRP added to the port's members (registered, not statically configured)");
        VmCounter("hairpin.vm.rx.frames", "{frame}", "Frames from the VM (a VSI, or a host vm_counters counts by port, VLAN and MAC)", vm => vm.Rx.Frames, other => other.Rx.Frames);
        VmCounter("hairpin.vm.rx.bytes", "By", "Bytes from the VM", vm => vm.Rx.Bytes, other => other.Rx.Bytes);
        VmCounter("hairpin.vm.tx.frames", "{frame}", "Unicast frames to the VM", vm => vm.Tx.Frames, other => other.Tx.Frames);
        VmCounter("hairpin.vm.tx.bytes", "By", "Unicast bytes to the VM", vm => vm.Tx.Bytes, other => other.Tx.Bytes);
        VmCounter("hairpin.vm.dropped", "{frame}", "The VM's frames (and copies to it) the bridge dropped", vm => vm.Dropped, other => other.Dropped);
        _meter.CreateObservableGauge("hairpin.vm.overflow", () => (long)(VmSnapshot().Other?.Vms ?? 0), "{vm}",
            $"VMs beyond the {VmRows.RowLimit} that get series of their own, summed in the vm=\"other\" series");
        if (_runtime.FlowExport is { } flows)
        {
            _meter.CreateObservableGauge("hairpin.flows.active", () => (long)flows.Monitor.ActiveFlows, "{flow}", "Flows in the IPFIX flow cache");
            _meter.CreateObservableCounter("hairpin.flows.exported", () => flows.Monitor.ExportedFlows, "{record}", "Flow records ended (timeouts, early, forced) and handed to the exporter");
            _meter.CreateObservableCounter("hairpin.flows.ended_early", () => flows.Monitor.EvictedFlows, "{record}", "Flows ended early because the flow cache was full");
            _meter.CreateObservableCounter("hairpin.flows.records_lost", () => flows.Monitor.LostRecords, "{record}", "Flow records lost because the exporter had not taken the earlier ones");
            _meter.CreateObservableCounter("hairpin.flows.records_sent", () => flows.SentRecords, "{record}", "Flow records sent to the collectors");
            _meter.CreateObservableCounter("hairpin.flows.sends_failed", () => flows.FailedSends, "{message}", "IPFIX messages a collector's socket refused");
        }
    }

    public void Dispose() => _meter.Dispose();

    // One snapshot serves every VM instrument of a scrape: it is taken on the forwarding thread, which owns the engine's host table.
    private static readonly TimeSpan VmSnapshotAge = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan VmSnapshotPatience = TimeSpan.FromSeconds(2);
    private readonly Lock _vmGate = new();
    private (List<VmStats> Rows, VmOverflowStats? Other) _vms = ([], null);
    private long _vmsTakenAt = long.MinValue;

    private (List<VmStats> Rows, VmOverflowStats? Other) VmSnapshot()
    {
        lock (_vmGate)
        {
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (_vmsTakenAt != long.MinValue && System.Diagnostics.Stopwatch.GetElapsedTime(_vmsTakenAt, now) < VmSnapshotAge)
            {
                return _vms;
            }
            Task<(List<VmStats>, VmOverflowStats?)> taking = _runtime.OnForwardingThread(engine => VmRows.Of(_runtime, engine));
            if (taking.Wait(VmSnapshotPatience))
            {
                _vms = taking.Result;
                _vmsTakenAt = now;
            }
            return _vms;   // a forwarding thread too busy to answer: the last snapshot
        }
    }

    private void VmCounter(string name, string unit, string description, Func<VmStats, long> read, Func<VmOverflowStats, long> readOther) =>
        _meter.CreateObservableCounter(name, () => VmMeasurements(read, readOther), unit, description);

    private IEnumerable<Measurement<long>> VmMeasurements(Func<VmStats, long> read, Func<VmOverflowStats, long> readOther)
    {
        (List<VmStats> rows, VmOverflowStats? other) = VmSnapshot();
        foreach (VmStats vm in rows)
        {
            yield return new Measurement<long>(read(vm),
                new KeyValuePair<string, object?>("port", vm.Port), new KeyValuePair<string, object?>("vsi", vm.Vsi ?? ""),
                new KeyValuePair<string, object?>("mac", vm.Mac ?? ""), new KeyValuePair<string, object?>("vlan", vm.Vlan),
                new KeyValuePair<string, object?>("type", vm.Type ?? ""));
        }
        if (other is not null)
        {
            yield return new Measurement<long>(readOther(other),
                new KeyValuePair<string, object?>("port", "*"), new KeyValuePair<string, object?>("vsi", "other"),
                new KeyValuePair<string, object?>("mac", ""), new KeyValuePair<string, object?>("vlan", 0),
                new KeyValuePair<string, object?>("type", ""));
        }
    }

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
            foreach (Measurement<long> drop in LinkInstruments.Drops(name, _runtime.Ports[port].Counters))
            {
                yield return drop;
            }
        }
    }

    /// <summary>The `mvrp:` ports with their counters, read as the port counters are (whole, perhaps a batch behind).</summary>
    private IEnumerable<(string Port, MvrpPortStats Stats)> MvrpPorts()
    {
        for (int port = 0; port < _runtime.Ports.Count; port++)
        {
            if (_runtime.Mvrp?.StatsUnsynchronized(port) is MvrpPortStats stats)
            {
                yield return (_runtime.Ports[port].PortName, stats);
            }
        }
    }

    private void MvrpCounter(string name, string unit, string description, Func<MvrpPortStats, long> read) =>
        _meter.CreateObservableCounter(name, () => MvrpPorts().Select(p => PortMeasurements.OfPort(read(p.Stats), p.Port)), unit, description);

    private static Measurement<long> Tagged(long value, string port, string key, string tag) =>
        new(value, new KeyValuePair<string, object?>("port", port), new KeyValuePair<string, object?>(key, tag));

    /// <summary>The `evb:` ports with their 802.1Qbg counters, read as the port counters are (whole, perhaps a batch behind).</summary>
    private IEnumerable<(string Port, QbgPortStats Stats)> EvbPorts()
    {
        for (int port = 0; port < _runtime.Ports.Count; port++)
        {
            if (_runtime.Qbg.StatsUnsynchronized(port) is QbgPortStats stats)
            {
                yield return (_runtime.Ports[port].PortName, stats);
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

}
