// A bounded FIFO of frames between two stages (engine -> transmitter, engine -> control plane).
// A full ring refuses; the producer counts a drop and recycles the buffer, so nothing ever blocks.
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Hairpin.Bridge.Core.Frames;

/// <summary>Single producer, single consumer, same thread: the Host drains it between batches.</summary>
public sealed class FrameRing
{
    private readonly FrameBuffer?[] _slots;
    private readonly int _mask;
    private long _head;   // next slot to read
    private long _tail;   // next slot to write

    public FrameRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _slots = new FrameBuffer?[size];
        _mask = size - 1;
        Capacity = capacity;
    }

    public int Capacity { get; }
    public int Count => (int)(_tail - _head);
    public bool IsEmpty => _tail == _head;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnqueue(FrameBuffer frame)
    {
        if (_tail - _head >= Capacity)
        {
            return false;
        }
        _slots[(int)_tail & _mask] = frame;
        _tail++;
        return true;
    }

    /// <summary>The frame the next dequeue would return, left in place.</summary>
    public bool TryPeek([NotNullWhen(true)] out FrameBuffer? frame)
    {
        frame = _tail == _head ? null : _slots[(int)_head & _mask];
        return frame is not null;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryDequeue([NotNullWhen(true)] out FrameBuffer? frame)
    {
        if (_tail == _head)
        {
            frame = null;
            return false;
        }
        int slot = (int)_head & _mask;
        frame = _slots[slot]!;
        _slots[slot] = null;
        _head++;
        return true;
    }
}
