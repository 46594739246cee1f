// Per-VSI counters (802.1Qbg): what one VM sent through the bridge and what the bridge sent it. The
// engine keeps one per VSIID for its whole life, across publishes, so a VSI that is de-associated and
// associated again (or, later, moves) continues its counts. Written only by the forwarding thread;
// readers on other threads see each 64-bit value whole but possibly a batch behind (as PortCounters).
// An appliance that restarts, or a VSI that moves here, continues from a snapshot added in
// (BridgeEngine.RestoreVsiCounters).
using Hairpin.Bridge.Core.Acl;

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

    /// <summary>
    /// ACL rule hits on frames from the VSI (its VM ACL, then its port's ingress ACL), by the rule's
    /// verdict. One per ACL that decided by a rule, so a frame checked by two ACLs can count twice; a
    /// default verdict is no rule's hit and counts nothing. A permit rule that also mirrors, counts,
    /// polices, sets a class or remarks is a permit hit: actions ride on permit rules only.
    /// </summary>
    public long AclPermitHits { get; private set; }
    public long AclDenyHits { get; private set; }
    /// <summary>As <see cref="AclPermitHits"/>, on unicast copies to the VSI (its port's egress ACL, then its VM ACL).</summary>
    public long EgressAclPermitHits { get; private set; }
    public long EgressAclDenyHits { get; private set; }

    /// <summary>Frames from the VSI admitted and then dropped, by reason (ACLs, policers, the forwarding decision).</summary>
    public ReadOnlySpan<long> Dropped => _dropped;
    /// <summary>Unicast copies to the VSI dropped on its port, by reason (egress ACLs, queue full, pool exhausted).</summary>
    public ReadOnlySpan<long> EgressDropped => _egressDropped;

    public long DroppedTotal => Sum(_dropped);
    public long EgressDroppedTotal => Sum(_egressDropped);

    public long DroppedFor(DropReason reason) => _dropped[(int)reason];
    public long EgressDroppedFor(DropReason reason) => _egressDropped[(int)reason];

    /// <summary>A copy of every count, for the control plane (allocates); drops only where non-zero.</summary>
    public VsiCountersSnapshot Snapshot() => new(RxFrames, RxBytes, TxFrames, TxBytes, NonZero(_dropped), NonZero(_egressDropped),
        AclPermitHits, AclDenyHits, EgressAclPermitHits, EgressAclDenyHits);

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

    internal void CountAclHit(AclVerdict verdict)
    {
        if (verdict == AclVerdict.Deny)
        {
            AclDenyHits++;
        }
        else
        {
            AclPermitHits++;
        }
    }

    internal void CountEgressAclHit(AclVerdict verdict)
    {
        if (verdict == AclVerdict.Deny)
        {
            EgressAclDenyHits++;
        }
        else
        {
            EgressAclPermitHits++;
        }
    }

    /// <summary>Adds counts kept elsewhere (a restored segment); the caller has checked them (<see cref="VsiCountersSnapshot.Validate"/>).</summary>
    internal void Add(VsiCountersSnapshot counts)
    {
        RxFrames += counts.RxFrames;
        RxBytes += counts.RxBytes;
        TxFrames += counts.TxFrames;
        TxBytes += counts.TxBytes;
        AclPermitHits += counts.AclPermitHits;
        AclDenyHits += counts.AclDenyHits;
        EgressAclPermitHits += counts.EgressAclPermitHits;
        EgressAclDenyHits += counts.EgressAclDenyHits;
        foreach ((DropReason reason, long frames) in counts.Dropped)
        {
            _dropped[(int)reason] += frames;
        }
        foreach ((DropReason reason, long frames) in counts.EgressDropped)
        {
            _egressDropped[(int)reason] += frames;
        }
    }

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

/// <summary>
/// One VSI's counts at one moment, or one appliance's segment of them; <paramref name="Dropped"/> and
/// <paramref name="EgressDropped"/> hold non-zero reasons only. Segments add up with <see cref="Plus"/>.
/// </summary>
public sealed record VsiCountersSnapshot(
    long RxFrames,
    long RxBytes,
    long TxFrames,
    long TxBytes,
    IReadOnlyDictionary<DropReason, long> Dropped,
    IReadOnlyDictionary<DropReason, long> EgressDropped,
    long AclPermitHits,
    long AclDenyHits,
    long EgressAclPermitHits,
    long EgressAclDenyHits)
{
    /// <summary>Nothing counted: the start of a sum.</summary>
    public static VsiCountersSnapshot Empty { get; } = new(0, 0, 0, 0, new Dictionary<DropReason, long>(), new Dictionary<DropReason, long>(), 0, 0, 0, 0);

    /// <summary>Field by field, this and <paramref name="other"/> added (drop reasons merged, each reason's counts summed).</summary>
    public VsiCountersSnapshot Plus(VsiCountersSnapshot other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(
            RxFrames + other.RxFrames,
            RxBytes + other.RxBytes,
            TxFrames + other.TxFrames,
            TxBytes + other.TxBytes,
            Merge(Dropped, other.Dropped),
            Merge(EgressDropped, other.EgressDropped),
            AclPermitHits + other.AclPermitHits,
            AclDenyHits + other.AclDenyHits,
            EgressAclPermitHits + other.EgressAclPermitHits,
            EgressAclDenyHits + other.EgressAclDenyHits);
    }

    /// <summary>
    /// Why these counts cannot be added to a VSI's (a negative count, a drop reason this build does not
    /// know: a store written by another version, or damaged), or null when they can.
    /// </summary>
    public string? Validate()
    {
        if (RxFrames < 0 || RxBytes < 0 || TxFrames < 0 || TxBytes < 0
            || AclPermitHits < 0 || AclDenyHits < 0 || EgressAclPermitHits < 0 || EgressAclDenyHits < 0)
        {
            return "a count is negative";
        }
        foreach (IReadOnlyDictionary<DropReason, long> drops in (IReadOnlyDictionary<DropReason, long>[])[Dropped, EgressDropped])
        {
            if (drops is null)
            {
                return "a drop table is missing";
            }
            foreach ((DropReason reason, long frames) in drops)
            {
                if ((uint)reason >= (uint)DropReasons.Count)
                {
                    return $"drop reason {(int)reason} is unknown";
                }
                if (frames < 0)
                {
                    return $"the count of drop reason {DropReasons.Name(reason)} is negative";
                }
            }
        }
        return null;
    }

    private static Dictionary<DropReason, long> Merge(IReadOnlyDictionary<DropReason, long> first, IReadOnlyDictionary<DropReason, long> second)
    {
        var merged = new Dictionary<DropReason, long>(first);
        foreach ((DropReason reason, long frames) in second)
        {
            long sum = merged.GetValueOrDefault(reason) + frames;
            if (sum == 0)
            {
                merged.Remove(reason);   // the record holds non-zero reasons only
            }
            else
            {
                merged[reason] = sum;
            }
        }
        return merged;
    }
}
