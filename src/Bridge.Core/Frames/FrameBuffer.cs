// One frame in a pooled buffer. The frame starts after some headroom, so pushing or popping a VLAN
// tag moves the start offset and 12 bytes of addresses instead of the whole frame.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Frames;

/// <summary>
/// A reusable frame buffer with headroom and per-frame metadata the engine fills in as it classifies.
/// Owned by one party at a time: whoever holds it either hands it on or returns it to its pool.
/// </summary>
public sealed class FrameBuffer
{
    public const int DefaultHeadroom = 64;
    private const int AddressesSize = 12;
    private const int TagSize = 4;

    private readonly byte[] _storage;
    private readonly int _headroom;

    public FrameBuffer(int capacity, int headroom = DefaultHeadroom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 64);
        ArgumentOutOfRangeException.ThrowIfNegative(headroom);
        _storage = new byte[headroom + capacity];
        _headroom = headroom;
        Reset();
    }

    /// <summary>Where the frame's first byte (destination MAC) sits in the storage.</summary>
    public int Offset { get; private set; }
    /// <summary>Frame length in bytes, without FCS.</summary>
    public int Length { get; private set; }
    /// <summary>Largest frame this buffer holds with its headroom untouched.</summary>
    public int Capacity => _storage.Length - _headroom;

    /// <summary>Index of the bridge port the frame arrived on; set by the receiver before ingress.</summary>
    public int IngressPort { get; set; }

    // Classification results, written by the engine's ingress stage and read by its egress stage.
    internal ushort Vid;
    internal ushort PriorityBits;      // PCP and DEI, in TCI position (top 4 bits)
    internal bool HasCustomerTag;      // a C-tag currently sits at offset 12

    public Span<byte> Span => _storage.AsSpan(Offset, Length);

    /// <summary>Space a receiver may fill from the frame start; follow with <see cref="SetLength"/>.</summary>
    public Memory<byte> WritableMemory => _storage.AsMemory(Offset, _storage.Length - Offset);
    public Span<byte> WritableSpan => _storage.AsSpan(Offset, _storage.Length - Offset);

    public void SetLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _storage.Length - Offset);
        Length = length;
    }

    /// <summary>Copies a frame in, replacing what the buffer held. Returns false if it does not fit.</summary>
    public bool TryCopyFrom(ReadOnlySpan<byte> frame)
    {
        Offset = _headroom;
        if (frame.Length > _storage.Length - Offset)
        {
            return false;
        }
        frame.CopyTo(_storage.AsSpan(Offset));
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
        _storage.AsSpan(Offset, AddressesSize).CopyTo(_storage.AsSpan(Offset - TagSize));
        Offset -= TagSize;
        Length += TagSize;
        var tag = _storage.AsSpan(Offset + AddressesSize, TagSize);
        BinaryPrimitives.WriteUInt16BigEndian(tag, protocol);
        BinaryPrimitives.WriteUInt16BigEndian(tag[2..], control);
        return true;
    }

    /// <summary>Removes the 4 bytes after the MAC addresses (the outer tag). Caller checked one is there.</summary>
    public void PopTag()
    {
        _storage.AsSpan(Offset, AddressesSize).CopyTo(_storage.AsSpan(Offset + TagSize));
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
    }
}
