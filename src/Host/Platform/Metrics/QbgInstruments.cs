// The 802.1Qbg control plane of each `evb:` port as metrics (QbgPortStats: LLDP, ECP, VDP), tagged by
// port as the port metrics are. One definition for whichever program runs the control plane, so its
// series are spelt alike (only the prefix differs). Observable: read when a listener asks.
using System.Diagnostics.Metrics;
using Hairpin.Host.Management;

namespace Hairpin.Host.Metrics;

public static class QbgInstruments
{
    /// <summary>Creates `PREFIX.qbg.*` over <paramref name="ports"/>, the `evb:` ports and their counters now.</summary>
    public static void Create(Meter meter, string prefix, Func<IEnumerable<(string Port, QbgPortStats Stats)>> ports)
    {
        ArgumentNullException.ThrowIfNull(meter);
        ArgumentNullException.ThrowIfNull(ports);
        meter.CreateObservableCounter($"{prefix}.qbg.lldp.frames", () => ports().SelectMany(p => new[]
        {
            Tagged(p.Stats.Lldp.Tx, p.Port, ("direction", "tx")),
            Tagged(p.Stats.Lldp.Rx, p.Port, ("direction", "rx")),
        }), "{frame}", "LLDPDUs the evb: port sent and received, by direction (rx counts malformed ones too)");
        Counter(meter, ports, $"{prefix}.qbg.lldp.discarded", "{frame}", "Malformed LLDPDUs refused whole", s => s.Lldp.Discarded);
        Counter(meter, ports, $"{prefix}.qbg.lldp.ageouts", "{event}", "Times the LLDP neighbour was forgotten because its TTL ran out", s => s.Lldp.AgeOuts);
        meter.CreateObservableCounter($"{prefix}.qbg.ecp.frames", () => ports().SelectMany(p => new[]
        {
            Tagged(p.Stats.Ecp.TxRequests, p.Port, ("direction", "tx"), ("operation", "request")),
            Tagged(p.Stats.Ecp.TxAcks, p.Port, ("direction", "tx"), ("operation", "ack")),
            Tagged(p.Stats.Ecp.RxRequests, p.Port, ("direction", "rx"), ("operation", "request")),
            Tagged(p.Stats.Ecp.RxAcks, p.Port, ("direction", "rx"), ("operation", "ack")),
        }), "{frame}", "ECP PDUs carrying VDP, by direction and operation (tx requests: first sends; rx requests: duplicates included)");
        Counter(meter, ports, $"{prefix}.qbg.ecp.retransmissions", "{frame}", "ECP requests sent again, unacknowledged, with the same sequence number", s => s.Ecp.Retransmissions);
        Counter(meter, ports, $"{prefix}.qbg.ecp.given_up", "{frame}", "ECP requests abandoned after the last retransmission went unacknowledged", s => s.Ecp.GivenUp);
        Counter(meter, ports, $"{prefix}.qbg.ecp.duplicates", "{frame}", "ECP requests repeating the last sequence number: acknowledged, not delivered again", s => s.Ecp.Duplicates);
        Counter(meter, ports, $"{prefix}.qbg.ecp.malformed", "{frame}", "ECP PDUs refused (short, version other than 1, reserved operation)", s => s.Ecp.Malformed);
        meter.CreateObservableCounter($"{prefix}.qbg.vdp.requests", () => ports().SelectMany(p => new[]
        {
            Tagged(p.Stats.Vdp.Accepted, p.Port, ("result", "accepted")),
            Tagged(p.Stats.Vdp.KeepAlives, p.Port, ("result", "keep-alive")),
            Tagged(p.Stats.Vdp.Refused, p.Port, ("result", "refused")),
            Tagged(p.Stats.Vdp.Deassociated, p.Port, ("result", "de-associated")),
            Tagged(p.Stats.Vdp.Deferred, p.Port, ("result", "deferred")),
        }), "{request}", "VSI requests (VSI TLVs) by result; a deferred one is answered later, when the VSI store settles its claim");
        meter.CreateObservableCounter($"{prefix}.qbg.vdp.dropped", () => ports().SelectMany(p => new[]
        {
            Tagged(p.Stats.Vdp.Malformed, p.Port, ("reason", "malformed")),
            Tagged(p.Stats.Vdp.MissingManagerId, p.Port, ("reason", "no-manager-id")),
        }), "{frame}", "VDPDUs dropped unanswered, by reason");
        Counter(meter, ports, $"{prefix}.qbg.vdp.expired", "{event}", "VSIs removed because no keep-alive came within the window", s => s.Vdp.Expired);
        meter.CreateObservableGauge($"{prefix}.qbg.vsis", () => ports().Select(p => PortMeasurements.OfPort(p.Stats.Vdp.Associated, p.Port)),
            "{vsi}", "VSIs associated on the evb: port (their MACs admitted)");
    }

    private static void Counter(Meter meter, Func<IEnumerable<(string Port, QbgPortStats Stats)>> ports, string name, string unit, string description, Func<QbgPortStats, long> read) =>
        meter.CreateObservableCounter(name, () => ports().Select(p => PortMeasurements.OfPort(read(p.Stats), p.Port)), unit, description);

    private static Measurement<long> Tagged(long value, string port, params ReadOnlySpan<(string Key, string Value)> tags)
    {
        var all = new KeyValuePair<string, object?>[tags.Length + 1];
        all[0] = new KeyValuePair<string, object?>("port", port);
        for (int i = 0; i < tags.Length; i++)
        {
            all[i + 1] = new KeyValuePair<string, object?>(tags[i].Key, tags[i].Value);
        }
        return new Measurement<long>(value, all);
    }
}
