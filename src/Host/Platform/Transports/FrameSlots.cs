// A bounded single-producer single-consumer queue of frames between two threads (an I/O thread and
// the forwarding loop), stored as fixed-size byte slots in one array allocated up front: moving a
// frame is one copy in and one copy out, never an allocation. A full queue refuses at once, so neither
// side ever blocks the other; the caller counts the refusal (PortQueues, in the port's LinkCounters).
using System.Diagnostics.CodeAnalysis;

namespace Hairpin.Host.Transports;

public sealed class FrameSlots
{
    private readonly byte[] _slab;
    private readonly int[] _lengths;
    private readonly int _slotSize;
    private readonly int _mask;
    private long _head;   // next slot to read (consumer)
    private long _tail;   // next slot to write (producer)

    /// <param name="slots">Rounded up to a power of two.</param>
    /// <param name="slotSize">Largest frame a slot holds.</param>
    public FrameSlots(int slots, int slotSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotSize, 64);
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)slots);
        _slab = new byte[size * slotSize];
        _lengths = new int[size];
        _slotSize = slotSize;
        _mask = size - 1;
        Capacity = size;
    }

    public int Capacity { get; }
    public int SlotSize => _slotSize;
    public int Count => (int)(Volatile.Read(ref _tail) - Volatile.Read(ref _head));
    public bool IsEmpty => Count == 0;
    public bool IsFull => Count >= Capacity;

    /// <summary>Producer: copies a frame in, or says why not.</summary>
    public SlotWrite Write(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > _slotSize)
        {
            return SlotWrite.TooBig;
        }
        long tail = _tail;
        if (tail - Volatile.Read(ref _head) >= Capacity)
        {
            return SlotWrite.Full;
        }
        int slot = (int)(tail & _mask);
        frame.CopyTo(_slab.AsSpan(slot * _slotSize, _slotSize));
        _lengths[slot] = frame.Length;
        Volatile.Write(ref _tail, tail + 1);   // publishes the bytes written above
        return SlotWrite.Written;
    }

    /// <summary>Consumer: the oldest frame, valid until <see cref="Release"/>.</summary>
    public bool TryPeek(out ReadOnlySpan<byte> frame)
    {
        long head = _head;
        if (head == Volatile.Read(ref _tail))
        {
            frame = default;
            return false;
        }
        int slot = (int)(head & _mask);
        frame = _slab.AsSpan(slot * _slotSize, _lengths[slot]);
        return true;
    }

    /// <summary>Consumer: the same as <see cref="TryPeek"/>, as memory (for async writes).</summary>
    public bool TryPeekMemory([NotNullWhen(true)] out ReadOnlyMemory<byte>? frame)
    {
        long head = _head;
        if (head == Volatile.Read(ref _tail))
        {
            frame = null;
            return false;
        }
        int slot = (int)(head & _mask);
        frame = _slab.AsMemory(slot * _slotSize, _lengths[slot]);
        return true;
    }

    /// <summary>Consumer: frees the slot last peeked.</summary>
    public void Release() => Volatile.Write(ref _head, _head + 1);

    /// <summary>Consumer: drops everything queued (a peer went away); returns how many.</summary>
    public int Clear()
    {
        long tail = Volatile.Read(ref _tail);
        int cleared = (int)(tail - _head);
        Volatile.Write(ref _head, tail);
        return cleared;
    }
}

public enum SlotWrite
{
    Written,
    /// <summary>Every slot holds a frame the consumer has not taken yet.</summary>
    Full,
    /// <summary>The frame is larger than a slot.</summary>
    TooBig,
}
