// One frame in a pooled buffer. The frame starts after some headroom, so pushing or popping a VLAN
// tag moves the start offset and 12 bytes of addresses instead of the whole frame. A flood shares one
// buffer among the copies that leave with the same bytes, so the buffer counts its holders (as an
// skb_clone shares the data of a Linux sk_buff).
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Hairpin.Bridge.Core.Frames;

/// <summary>
/// A reusable frame buffer with headroom and per-frame metadata the engine fills in as it classifies.
/// Each holder (the receiver, the engine, an egress queue a flood put it on) owns one reference and
/// either hands it on or releases it to the pool (<see cref="FramePool.Release"/>); the buffer goes
/// back when the last reference is released. A buffer with more than one reference is read-only:
/// whoever needs different bytes takes a copy.
/// </summary>
public sealed class FrameBuffer
{
    public const int DefaultHeadroom = 64;
    private const int AddressesSize = 12;
    private const int TagSize = 4;

    private readonly byte[] _storage;   // this buffer's own array, or a slab shared by a whole pool
    private readonly int _start;        // where this buffer's slice of the storage begins
    private readonly int _size;         // headroom + capacity
    private readonly ushort _headroom;  // 16 bits, with the reference count beside it, keep the object at 56 bytes

    public FrameBuffer(int capacity, int headroom = DefaultHeadroom)
        : this(new byte[headroom + capacity], 0, capacity, headroom)
    {
    }

    /// <summary>A buffer over a slice of a larger slab (see <see cref="FramePool"/>).</summary>
    internal FrameBuffer(byte[] slab, int start, int capacity, int headroom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 64);
        ArgumentOutOfRangeException.ThrowIfNegative(headroom);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(headroom, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + headroom + capacity, slab.Length);
        _storage = slab;
        _start = start;
        _size = headroom + capacity;
        _headroom = (ushort)headroom;
        Reset();
    }

    /// <summary>Where the frame's first byte (destination MAC) sits in this buffer (after the headroom it has left).</summary>
    public int Offset { get; private set; }
    /// <summary>Frame length in bytes, without FCS.</summary>
    public int Length { get; private set; }
    /// <summary>Largest frame this buffer holds with its headroom untouched.</summary>
    public int Capacity => _size - _headroom;

    /// <summary>Index of the bridge port the frame arrived on; set by the receiver before ingress.</summary>
    public int IngressPort { get; set; }

    // Classification results, written by the engine's ingress stage and read by its egress stage.
    internal ushort Vid;
    internal ushort PriorityBits;      // PCP and DEI, in TCI position (top 4 bits)
    internal bool HasCustomerTag;      // a C-tag currently sits at offset 12
    internal byte TrafficClass;        // egress queue 0..7
    internal short SourceVsi;          // the sending VSI's counters in the plan (ForwardingPlan.VsiCounters), -1: none; 16 bits keep the object at 56 bytes
    internal ushort References;        // holders of this buffer: 1 when rented, one more per queue a flood shares it with; kept by the pool, not by Reset

    /// <summary>True while more than one holder shares the bytes (then nobody may change them).</summary>
    public bool IsShared => References > 1;

    public Span<byte> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(_storage, _start + Offset, Length);
    }

    /// <summary>Space a receiver may fill from the frame start; follow with <see cref="SetLength"/>.</summary>
    public Memory<byte> WritableMemory => new(_storage, _start + Offset, _size - Offset);
    public Span<byte> WritableSpan => new(_storage, _start + Offset, _size - Offset);

    public void SetLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _size - Offset);
        Length = length;
    }

    /// <summary>Copies a frame in, replacing what the buffer held. Returns false if it does not fit.</summary>
    public bool TryCopyFrom(ReadOnlySpan<byte> frame)
    {
        Offset = _headroom;
        if (frame.Length > _size - Offset)
        {
            return false;
        }
        frame.CopyTo(WritableSpan);
        Length = frame.Length;
        return true;
    }

    /// <summary>Inserts a 4-byte tag after the MAC addresses using headroom. False if no headroom is left.</summary>
    public bool TryPushTag(ushort protocol, ushort control)
    {
        if (Offset < TagSize || Length < AddressesSize)
        {
            return false;
        }
        int at = _start + Offset;
        _storage.AsSpan(at, AddressesSize).CopyTo(_storage.AsSpan(at - TagSize));
        Offset -= TagSize;
        Length += TagSize;
        var tag = _storage.AsSpan(at - TagSize + AddressesSize, TagSize);
        BinaryPrimitives.WriteUInt16BigEndian(tag, protocol);
        BinaryPrimitives.WriteUInt16BigEndian(tag[2..], control);
        return true;
    }

    /// <summary>Removes the 4 bytes after the MAC addresses (the outer tag). Caller checked one is there.</summary>
    public void PopTag()
    {
        int at = _start + Offset;
        _storage.AsSpan(at, AddressesSize).CopyTo(_storage.AsSpan(at + TagSize));
        Offset += TagSize;
        Length -= TagSize;
    }

    /// <summary>Back to an empty frame at the default offset; called by the pool before reuse.</summary>
    public void Reset()
    {
        Offset = _headroom;
        Length = 0;
        IngressPort = -1;
        Vid = 0;
        PriorityBits = 0;
        HasCustomerTag = false;
        TrafficClass = 0;
        SourceVsi = -1;
    }
}
