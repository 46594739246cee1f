// The host side of every port as metrics (specs/transports.md, "Accounting"): what crossed the wire,
// the peer coming and going, and the rx-*/tx-* losses. One definition for the bridge's meter and the
// dumb vswitch's, so both programs name and describe them alike (only the prefix differs).
using System.Diagnostics.Metrics;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Metrics;

public static class LinkInstruments
{
    /// <summary>Creates `PREFIX.port.{rx,tx}.{frames,bytes}` and `PREFIX.port.link.{downs,ups}` over <paramref name="ports"/>.</summary>
    public static void Create(Meter meter, string prefix, Func<IEnumerable<(string Port, LinkCounters Counters)>> ports)
    {
        ArgumentNullException.ThrowIfNull(meter);
        Counter(meter, ports, $"{prefix}.port.rx.frames", "{frame}", "Frames the port's peer sent: handed over by the kernel, or dropped by it for us", c => c.RxFrames);
        Counter(meter, ports, $"{prefix}.port.rx.bytes", "By", "Bytes of the frames the kernel handed over", c => c.RxBytes);
        Counter(meter, ports, $"{prefix}.port.tx.frames", "{frame}", "Frames that actually left by the port", c => c.TxFrames);
        Counter(meter, ports, $"{prefix}.port.tx.bytes", "By", "Bytes that actually left by the port", c => c.TxBytes);
        Counter(meter, ports, $"{prefix}.port.link.downs", "{event}", "Times the port's peer went away", c => c.LinkDowns);
        Counter(meter, ports, $"{prefix}.port.link.ups", "{event}", "Times the port's peer came (back)", c => c.LinkUps);
    }

    /// <summary>The port's rx-*/tx-* losses that happened, tagged as the engine's drops are (ingress for rx-*, egress for tx-*).</summary>
    public static IEnumerable<Measurement<long>> Drops(string port, LinkCounters link)
    {
        ArgumentNullException.ThrowIfNull(link);
        for (int reason = 0; reason < LinkDropReasons.Count; reason++)
        {
            var drop = (LinkDropReason)reason;
            if (link.Dropped(drop) != 0)
            {
                yield return PortMeasurements.Drop(link.Dropped(drop), port, LinkDropReasons.IsReceive(drop) ? "ingress" : "egress", LinkDropReasons.Name(drop));
            }
        }
    }

    private static void Counter(Meter meter, Func<IEnumerable<(string Port, LinkCounters Counters)>> ports, string name, string unit, string description, Func<LinkCounters, long> read) =>
        meter.CreateObservableCounter(name, () => ports().Select(p => PortMeasurements.OfPort(read(p.Counters), p.Port)), unit, description);
}
