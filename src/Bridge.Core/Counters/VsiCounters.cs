// Per-VSI counters (802.1Qbg): what one VM sent through the bridge and what the bridge sent it. The
// engine keeps one per VSIID for its whole life, across publishes, so a VSI that is de-associated and
// associated again (or, later, moves) continues its counts. Written only by the forwarding thread;
// readers on other threads see each 64-bit value whole but possibly a batch behind (as PortCounters).
namespace Hairpin.Bridge.Core.Counters;

/// <summary>
/// Frame accounting for one VSI. Conservation: <c>RxFrames = (frames forwarded) + DroppedTotal</c>;
/// per copy the bridge meant to send it: <c>copies = TxFrames + EgressDroppedTotal</c>.
/// Only unicast to one of the VSI's (VID, MAC) counts as sent to it: a broadcast or multicast copy
/// leaving by its port is for every VM behind that port, and is counted on the port alone.
/// </summary>
public sealed class VsiCounters
{
    private readonly long[] _dropped = new long[DropReasons.Count];
    private readonly long[] _egressDropped = new long[DropReasons.Count];

    /// <summary>Frames from one of the VSI's (VID, MAC) admitted on its port (after link-local trapping and VLAN classification).</summary>
    public long RxFrames { get; private set; }
    public long RxBytes { get; private set; }
    /// <summary>Unicast copies to one of the VSI's (VID, MAC) queued on its port, in their egress form.</summary>
    public long TxFrames { get; private set; }
    public long TxBytes { get; private set; }

    /// <summary>Frames from the VSI admitted and then dropped, by reason (ACLs, policers, the forwarding decision).</summary>
    public ReadOnlySpan<long> Dropped => _dropped;
    /// <summary>Unicast copies to the VSI dropped on its port, by reason (egress ACLs, queue full, pool exhausted).</summary>
    public ReadOnlySpan<long> EgressDropped => _egressDropped;

    public long DroppedTotal => Sum(_dropped);
    public long EgressDroppedTotal => Sum(_egressDropped);

    public long DroppedFor(DropReason reason) => _dropped[(int)reason];
    public long EgressDroppedFor(DropReason reason) => _egressDropped[(int)reason];

    /// <summary>A copy of every count, for the control plane (allocates); drops only where non-zero.</summary>
    public VsiCountersSnapshot Snapshot() => new(RxFrames, RxBytes, TxFrames, TxBytes, NonZero(_dropped), NonZero(_egressDropped));

    internal void CountRx(int bytes)
    {
        RxFrames++;
        RxBytes += bytes;
    }

    internal void CountTx(int bytes)
    {
        TxFrames++;
        TxBytes += bytes;
    }

    internal void CountDrop(DropReason reason) => _dropped[(int)reason]++;
    internal void CountEgressDrop(DropReason reason) => _egressDropped[(int)reason]++;

    private static Dictionary<DropReason, long> NonZero(long[] values)
    {
        var counts = new Dictionary<DropReason, long>();
        for (int reason = 0; reason < values.Length; reason++)
        {
            if (values[reason] != 0)
            {
                counts[(DropReason)reason] = values[reason];
            }
        }
        return counts;
    }

    private static long Sum(long[] values)
    {
        long total = 0;
        foreach (long value in values)
        {
            total += value;
        }
        return total;
    }
}

/// <summary>One VSI's counts at one moment; <paramref name="Dropped"/> and <paramref name="EgressDropped"/> hold non-zero reasons only.</summary>
public sealed record VsiCountersSnapshot(
    long RxFrames,
    long RxBytes,
    long TxFrames,
    long TxBytes,
    IReadOnlyDictionary<DropReason, long> Dropped,
    IReadOnlyDictionary<DropReason, long> EgressDropped);
