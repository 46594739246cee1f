// The per-VM rows `stats` prints and the metrics export: every VSI of this bridge (its own counters,
// which follow it across appliances), then every host the engine counts by (port, VLAN, MAC) that is
// no VSI. At most RowLimit rows: the rest, with the engine's own overflow bucket, is summed in one
// "other" row that says how many VMs it holds, so a flood of MACs or VSIs cannot blow up a metrics
// store's series.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Host.Management;
using Hairpin.Host.Qbg;

namespace Hairpin.Host.Runtime;

internal static class VmRows
{
    /// <summary>Rows (and metric series per instrument) at most; beyond, the "other" row.</summary>
    public const int RowLimit = 1024;

    /// <summary>Forwarding thread: the rows of <paramref name="runtime"/>'s VSIs and counted hosts.</summary>
    public static (List<VmStats> Rows, VmOverflowStats? Other) Of(BridgeRuntime runtime, Bridge.Core.Forwarding.BridgeEngine engine) =>
        Build(runtime.Qbg.Vsis(runtime.ControlTime, vsi => VsiTraffic.Of(engine.VsiCounters(vsi)?.Snapshot() ?? VsiCountersSnapshot.Empty)),
            engine.VmTraffic(), port => runtime.Ports[port].PortName);

    public static (List<VmStats> Rows, VmOverflowStats? Other) Build(IReadOnlyList<VsiInfo> vsis, IReadOnlyList<HostTraffic> hosts, Func<int, string> portName, int limit = RowLimit)
    {
        var rows = new List<VmStats>();
        var vsiHosts = new HashSet<(string Port, string Mac, int Vlan)>();
        foreach (VsiInfo vsi in vsis)
        {
            VsiFilterInfo? entry = vsi.Filter.FirstOrDefault(filter => filter.Mac is not null) ?? (vsi.Filter.Count > 0 ? vsi.Filter[0] : null);
            foreach (VsiFilterInfo filter in vsi.Filter.Where(filter => filter.Mac is not null))
            {
                vsiHosts.Add((vsi.Port, filter.Mac!, filter.Vid));
            }
            rows.Add(new VmStats(vsi.Port, vsi.VsiId, entry?.Mac, entry?.Vid ?? 0, vsi.Counters.In, vsi.Counters.Out, vsi.Counters.Drops.Values.Sum(),
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{vsi.TypeId}/{vsi.TypeVersion}")));
        }
        HostTraffic? engineOverflow = null;
        foreach (HostTraffic host in hosts)
        {
            if (host.Port < 0)
            {
                engineOverflow = host;
                continue;
            }
            string port = portName(host.Port);
            string mac = host.Mac.ToString();
            if (!vsiHosts.Contains((port, mac, host.Vid)))
            {
                rows.Add(new VmStats(port, null, mac, host.Vid, new TrafficCounters(host.RxFrames, host.RxBytes), new TrafficCounters(host.TxFrames, host.TxBytes), host.Dropped));
            }
        }
        if (rows.Count <= limit && engineOverflow is null)
        {
            return (rows, null);
        }
        List<VmStats> folded = rows.Count > limit ? rows[limit..] : [];
        HostTraffic rest = engineOverflow ?? default;
        var other = new VmOverflowStats(folded.Count,
            new TrafficCounters(folded.Sum(row => row.Rx.Frames) + rest.RxFrames, folded.Sum(row => row.Rx.Bytes) + rest.RxBytes),
            new TrafficCounters(folded.Sum(row => row.Tx.Frames) + rest.TxFrames, folded.Sum(row => row.Tx.Bytes) + rest.TxBytes),
            folded.Sum(row => row.Dropped) + rest.Dropped);
        return (rows.Count > limit ? rows[..limit] : rows, other);
    }
}
