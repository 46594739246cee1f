// Walks the TLVs of an LLDPDU (802.1AB: a 7-bit type and a 9-bit length, then the value). The codec
// reads with it; a TLV that runs past the buffer ends the walk and is reported, never thrown.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Qbg.Lldp;

/// <summary>A forward-only TLV cursor over an LLDPDU. Call <see cref="Read"/> until it returns false, then check <see cref="Overrun"/>.</summary>
public ref struct LldpTlvReader
{
    public const int HeaderSize = 2;
    public const int MaxValueSize = 511;

    private ReadOnlySpan<byte> _rest;

    public LldpTlvReader(ReadOnlySpan<byte> payload)
    {
        _rest = payload;
    }

    /// <summary>The current TLV's type (0 End, 1 chassis ID, 2 port ID, 3 TTL, 127 organizational ...).</summary>
    public int Type { get; private set; }
    public ReadOnlySpan<byte> Value { get; private set; }

    /// <summary>True when the walk stopped on a header or a value that runs past the end of the buffer.</summary>
    public bool Overrun { get; private set; }

    /// <summary>Steps to the next TLV; false at the end of the buffer or on an overrun.</summary>
    public bool Read()
    {
        Type = 0;
        Value = default;
        if (_rest.IsEmpty)
        {
            return false;
        }
        if (_rest.Length < HeaderSize)
        {
            return Stop();
        }
        int header = BinaryPrimitives.ReadUInt16BigEndian(_rest);
        int length = header & MaxValueSize;
        if (_rest.Length - HeaderSize < length)
        {
            return Stop();
        }
        Type = header >> 9;
        Value = _rest.Slice(HeaderSize, length);
        _rest = _rest[(HeaderSize + length)..];
        return true;
    }

    /// <summary>Writes a TLV header; the caller has checked that <paramref name="length"/> fits in 9 bits.</summary>
    public static void WriteHeader(Span<byte> destination, int type, int length) =>
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)((type << 9) | length));

    private bool Stop()
    {
        Overrun = true;
        _rest = default;
        return false;
    }
}
