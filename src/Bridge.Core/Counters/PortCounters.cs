// Per-port counters, written only by the forwarding thread. Readers on other threads see each 64-bit
// value whole (aligned writes on 64-bit platforms) but possibly a batch behind.
namespace Hairpin.Bridge.Core.Counters;

/// <summary>
/// Frame accounting for one port. Conservation, per ingress port:
/// <c>RxFrames = Forwarded + Trapped + sum(Dropped)</c>; per egress copy made:
/// <c>copies attempted = TxFrames + sum(EgressDropped)</c>.
/// </summary>
public sealed class PortCounters
{
    private readonly long[] _dropped = new long[DropReasons.Count];
    private readonly long[] _egressDropped = new long[DropReasons.Count];
    private static readonly int CauseCount = Enum.GetValues<Forwarding.ErrorDisableCause>().Length;
    private readonly long[] _errorDisabledBy = new long[CauseCount];
    private readonly long[] _recoveredBy = new long[CauseCount];

    public long RxFrames { get; internal set; }
    public long RxBytes { get; internal set; }
    public long RxUnicast { get; internal set; }
    public long RxMulticast { get; internal set; }
    public long RxBroadcast { get; internal set; }

    /// <summary>Frames from this port that left by at least one port (or were meant to: see EgressDropped).</summary>
    public long Forwarded { get; internal set; }
    /// <summary>Frames from this port handed to the control plane (link-local group addresses).</summary>
    public long Trapped { get; internal set; }
    public long Flooded { get; internal set; }

    /// <summary>Copies the engine queued for this port (its egress queues); what then actually left is the host's to count.</summary>
    public long TxFrames { get; internal set; }
    public long TxBytes { get; internal set; }
    public long TxUnicast { get; internal set; }
    public long TxMulticast { get; internal set; }
    public long TxBroadcast { get; internal set; }

    /// <summary>Learning events on this port: new entries, moves in, and refusals at a limit.</summary>
    public long Learned { get; internal set; }
    public long MovedIn { get; internal set; }
    public long LearnLimitHits { get; internal set; }
    /// <summary>Topology-change flushes of this port's learned entries in one VLAN (an MVRP New, 802.1Q 11.2.5).</summary>
    public long VlanFlushes { get; internal set; }
    /// <summary>Learned entries those flushes removed.</summary>
    public long EntriesFlushed { get; internal set; }
    /// <summary>Times a protection feature (BPDU guard, port security, storm control, loop detection) error-disabled this port.</summary>
    public long ErrorDisabled { get; private set; }
    /// <summary>MACs damped for flapping onto this port (it is the offending port of a MacMoveReport).</summary>
    public long MovesDamped { get; internal set; }
    /// <summary>Seconds in which storm control dropped floods arriving on this port (one StormReport each).</summary>
    public long StormEpisodes { get; internal set; }
    public long LoopProbesSent { get; internal set; }
    /// <summary>Copies sent out of this port by an ACL `mirror` action (also counted in Tx).</summary>
    public long Mirrored { get; internal set; }

    /// <summary>Frames received here and dropped, by reason.</summary>
    public ReadOnlySpan<long> Dropped => _dropped;
    /// <summary>Copies meant for this port and dropped, by reason (pool exhausted, queue full).</summary>
    public ReadOnlySpan<long> EgressDropped => _egressDropped;

    public long DroppedTotal => Sum(_dropped);
    public long EgressDroppedTotal => Sum(_egressDropped);

    /// <summary>Times <paramref name="cause"/> error-disabled this port (a probe that finds the loop still there counts again).</summary>
    public long ErrorDisabledFor(Forwarding.ErrorDisableCause cause) => _errorDisabledBy[(int)cause];
    /// <summary>Times the port came back from <paramref name="cause"/>, by itself or by an operator.</summary>
    public long RecoveredFrom(Forwarding.ErrorDisableCause cause) => _recoveredBy[(int)cause];

    public long DroppedFor(DropReason reason) => _dropped[(int)reason];
    public long EgressDroppedFor(DropReason reason) => _egressDropped[(int)reason];

    internal void CountDrop(DropReason reason) => _dropped[(int)reason]++;

    internal void CountErrorDisabled(Forwarding.ErrorDisableCause cause)
    {
        ErrorDisabled++;
        _errorDisabledBy[(int)cause]++;
    }

    internal void CountRecovered(Forwarding.ErrorDisableCause cause) => _recoveredBy[(int)cause]++;
    internal void CountEgressDrop(DropReason reason) => _egressDropped[(int)reason]++;

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
