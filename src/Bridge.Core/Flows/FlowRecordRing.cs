// Finished flow records on their way from the forwarding thread (which ends flows: timeouts between
// batches, a full cache during one) to the exporter's thread. A bounded single-producer,
// single-consumer ring of pre-allocated slots: the producer never waits and never allocates; with the
// ring full a record is lost and counted, and forwarding goes on (as a full capture ring does).
using System.Numerics;

namespace Hairpin.Bridge.Core.Flows;

public sealed class FlowRecordRing
{
    private readonly FlowRecord[] _slots;
    private readonly int _mask;
    private long _written;   // producer writes, consumer reads
    private long _taken;     // consumer writes, producer reads
    private long _lost;

    public FlowRecordRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _slots = new FlowRecord[size];
        _mask = size - 1;
    }

    public int Capacity => _slots.Length;

    /// <summary>Records queued so far (taken or not).</summary>
    public long Queued => Volatile.Read(ref _written);

    /// <summary>Records lost because the exporter had not taken the earlier ones yet.</summary>
    public long Lost => Volatile.Read(ref _lost);

    /// <summary>Records waiting for the exporter.</summary>
    public int Count => (int)(Volatile.Read(ref _written) - Volatile.Read(ref _taken));

    /// <summary>Producer: queues a record; false (and counted lost) when the ring is full.</summary>
    internal bool TryWrite(in FlowRecord record)
    {
        long next = _written;
        if (next - Volatile.Read(ref _taken) >= _slots.Length)
        {
            Interlocked.Increment(ref _lost);
            return false;
        }
        _slots[next & _mask] = record;
        Volatile.Write(ref _written, next + 1);
        return true;
    }

    /// <summary>Consumer (one thread): the oldest waiting record; false when none is waiting.</summary>
    public bool TryRead(out FlowRecord record)
    {
        long next = _taken;
        if (next == Volatile.Read(ref _written))
        {
            record = default;
            return false;
        }
        record = _slots[next & _mask];
        _slots[next & _mask] = default;   // drop the VSI name's reference
        Volatile.Write(ref _taken, next + 1);
        return true;
    }
}
