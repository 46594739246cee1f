// The FDB's answer to a topology change announced for one VLAN on one port (an MVRP New, 802.1Q
// 11.2.5): the entries learned there in that VLAN may point the wrong way now, so they go and are
// relearned from the next frames (flooded meanwhile). The control plane decides when; this does it.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>
    /// Removes the learned entries of <paramref name="vid"/> on <paramref name="port"/> and counts the
    /// flush on the port (<see cref="PortCounters.VlanFlushes"/>, <see cref="PortCounters.EntriesFlushed"/>).
    /// Static entries, VSI bindings (static entries too), sticky entries, other VLANs and other ports
    /// keep theirs. Returns the entries removed. Forwarding thread only, between batches (as
    /// <see cref="SweepFdb"/>).
    /// </summary>
    public int FlushLearnedInVlan(int port, int vid)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(port, BridgeConfig.MaxPorts);
        ArgumentOutOfRangeException.ThrowIfLessThan(vid, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vid, 4094);
        ApplyPendingPlan();
        int removed = _fdb.FlushLearnedOnPortInVlan(port, vid);
        PortCounters counters = _counters[port];
        counters.VlanFlushes++;
        counters.EntriesFlushed += removed;
        return removed;
    }
}
