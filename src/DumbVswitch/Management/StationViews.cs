// The uplink's EVB station as `lldp neighbors`, `vsi show` and `link show` report it: plain records
// (QbgInfo, PortInfo) made from the station's published snapshot and the VM ports' counters, in
// lldptool's and vdptool's words where they have one.
using System.Globalization;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.DumbVswitch.Station;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Management;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Management;

internal static class StationViews
{
    /// <param name="vm">The VM's switch counters and port, for its traffic and drops.</param>
    public static VsiInfo Vsi(VmVsiStatus status, VepaPortCounters vm, PortQueues port, TimeSpan now)
    {
        var spec = status.Spec;
        int vid = status.Associated ? status.Vid : spec.Vid;
        var drops = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int reason = 0; reason < VepaDropReasons.Count; reason++)
        {
            long count = vm.Dropped[reason] + vm.EgressDropped[reason];
            if (count != 0)
            {
                drops[VepaDropReasons.Name((VepaDropReason)reason)] = count;
            }
        }
        for (int reason = 0; reason < LinkDropReasons.Count; reason++)
        {
            long count = port.Counters.Dropped((LinkDropReason)reason);
            if (count != 0)
            {
                drops[LinkDropReasons.Name((LinkDropReason)reason)] = count;
            }
        }
        return new VsiInfo(
            spec.Id.ToString(),
            spec.Id.Format.ToString().ToLowerInvariant(),
            (int)spec.TypeId,
            spec.TypeVersion,
            spec.Manager.ToString(),
            [new VsiFilterInfo(spec.Mac.ToString(), vid)],
            status.VmName,
            State(status.State),
            status.Reason,
            Seconds(now - status.Since),
            status.LastAnswerAt is TimeSpan answered ? Seconds(now - answered) : null,
            new VsiTrafficInfo(
                new TrafficCounters(port.Counters.RxFrames, port.Counters.RxBytes),
                new TrafficCounters(port.Counters.TxFrames, port.Counters.TxBytes),
                drops));
    }

    /// <summary>"associated", "pending", "timed-out", ...</summary>
    public static string State(VmVsiState state) => KebabNames.Of(state);

    /// <summary>Why `link show` has a VM blocking: "vsi-pending", "vsi-refused", ...</summary>
    public static string BlockingCause(VmVsiState state) => "vsi-" + State(state);

    public static string Vid(int vid) => vid == 0 ? "" : vid.ToString(CultureInfo.InvariantCulture);

    private static double Seconds(TimeSpan span) => Math.Max(0, Math.Round(span.TotalSeconds, 1));
}
