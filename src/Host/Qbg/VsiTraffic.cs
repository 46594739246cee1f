// A VSI's counters as `vsi show` prints them, from the engine's counts or the store's totals alike.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Host.Management;

namespace Hairpin.Host.Qbg;

internal static class VsiTraffic
{
    /// <summary>Frames from the VM in, to it out; drops both ways summed by reason name; ACL hits by verdict.</summary>
    public static VsiTrafficInfo Of(VsiCountersSnapshot counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var drops = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach ((DropReason reason, long frames) in counts.Dropped.Concat(counts.EgressDropped))
        {
            string name = DropReasons.Name(reason);
            drops[name] = drops.GetValueOrDefault(name) + frames;
        }
        return new VsiTrafficInfo(new TrafficCounters(counts.RxFrames, counts.RxBytes), new TrafficCounters(counts.TxFrames, counts.TxBytes), drops,
            new VsiAclHits(counts.AclPermitHits, counts.AclDenyHits, counts.EgressAclPermitHits, counts.EgressAclDenyHits));
    }
}
