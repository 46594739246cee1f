// Per-port counters of the dumb vswitch (each VM and the uplink), written only by the forwarding
// thread. Readers on other threads (management, logs) see each 64-bit value whole but possibly a
// batch behind, as with the bridge's PortCounters.
namespace Hairpin.DumbVswitch.Vepa;

/// <summary>
/// Frame accounting for one port. Conservation: <c>RxFrames = Forwarded + Trapped + DroppedTotal</c> for frames
/// received here; <c>copies meant for this port = TxFrames + EgressDroppedTotal</c>.
/// </summary>
public sealed class VepaPortCounters
{
    private readonly long[] _dropped = new long[VepaDropReasons.Count];
    private readonly long[] _egressDropped = new long[VepaDropReasons.Count];

    public VepaPortCounters(string name) => Name = name;

    /// <summary>The VM's name, or "uplink".</summary>
    public string Name { get; }

    public long RxFrames { get; private set; }
    public long RxBytes { get; private set; }
    /// <summary>Frames received here for which at least one copy was made (sent, or dropped at its egress).</summary>
    public long Forwarded { get; private set; }
    /// <summary>Group-addressed frames received here and copied to the VMs of their VLAN (uplink only).</summary>
    public long Flooded { get; private set; }
    /// <summary>Frames received here for the uplink's EVB station (LLDP, ECP to 01-80-C2-00-00-00): neither forwarded nor dropped.</summary>
    public long Trapped { get; private set; }
    /// <summary>Copies sent out of this port, and (uplink) the station's own frames.</summary>
    public long TxFrames { get; private set; }
    public long TxBytes { get; private set; }

    /// <summary>Frames received here and dropped, by reason.</summary>
    public ReadOnlySpan<long> Dropped => _dropped;
    /// <summary>Copies meant for this port and dropped (queue full, port down, no buffer), by reason.</summary>
    public ReadOnlySpan<long> EgressDropped => _egressDropped;

    public long DroppedTotal => Sum(_dropped);
    public long EgressDroppedTotal => Sum(_egressDropped);

    public long DroppedFor(VepaDropReason reason) => _dropped[(int)reason];
    public long EgressDroppedFor(VepaDropReason reason) => _egressDropped[(int)reason];

    internal void CountRx(int size)
    {
        RxFrames++;
        RxBytes += size;
    }

    internal void CountForwarded() => Forwarded++;

    internal void CountFlooded() => Flooded++;

    internal void CountTrapped(int size)
    {
        CountRx(size);
        Trapped++;
    }

    internal void CountTx(int size)
    {
        TxFrames++;
        TxBytes += size;
    }

    internal void CountDrop(VepaDropReason reason) => _dropped[(int)reason]++;

    internal void CountEgressDrop(VepaDropReason reason) => _egressDropped[(int)reason]++;

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
