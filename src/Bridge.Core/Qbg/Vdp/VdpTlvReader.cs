// Walks the TLVs of a VDPDU (the payload of an ECP VDP PDU) without allocating or throwing: each Read
// yields one TLV, stopping at the End TLV, at the exact end of the buffer, or at the first overrun.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Qbg.Vdp;

public enum VdpParseError : byte
{
    None,
    /// <summary>One byte left where a two-byte TLV header should start.</summary>
    TruncatedHeader,
    /// <summary>A TLV's length runs past the end of the payload.</summary>
    ValueOverrun,
    EndTlvWithValue,
    ManagerIdSize,
    ManagerIdNotFirst,
    DuplicateManagerId,
    VsiTlvTooShort,
    UnknownFilterFormat,
    /// <summary>The TLV length is not 25 + entry count x entry size.</summary>
    EntryCountMismatch,
}

/// <summary>Why a VDPDU was refused, and the offset of the TLV at fault.</summary>
public readonly record struct VdpParseFailure(VdpParseError Error, int Offset)
{
    public override string ToString() => Error switch
    {
        VdpParseError.None => "well-formed",
        VdpParseError.TruncatedHeader => $"a lone byte where a TLV header should be, at offset {Offset}",
        VdpParseError.ValueOverrun => $"the TLV at offset {Offset} runs past the end of the payload",
        VdpParseError.EndTlvWithValue => $"the End TLV at offset {Offset} has a value",
        VdpParseError.ManagerIdSize => $"the Manager ID TLV at offset {Offset} is not 16 bytes",
        VdpParseError.ManagerIdNotFirst => $"the Manager ID TLV at offset {Offset} is not the first TLV",
        VdpParseError.DuplicateManagerId => $"a second Manager ID TLV at offset {Offset}",
        VdpParseError.VsiTlvTooShort => $"the VSI TLV at offset {Offset} is shorter than 25 bytes",
        VdpParseError.UnknownFilterFormat => $"the VSI TLV at offset {Offset} has an unknown filter format",
        VdpParseError.EntryCountMismatch => $"the VSI TLV at offset {Offset} is not 25 + entry count x entry size bytes",
        _ => $"{Error} at offset {Offset}",
    };
}

public ref struct VdpTlvReader
{
    public const int HeaderSize = 2;
    /// <summary>The 9-bit length field's largest value.</summary>
    public const int MaxValueSize = 0x1FF;

    private readonly ReadOnlySpan<byte> _payload;
    private int _next;
    private bool _finished;

    public VdpTlvReader(ReadOnlySpan<byte> payload)
    {
        _payload = payload;
    }

    /// <summary>The raw 7-bit type of the current TLV (unknown types are kept, for the caller to skip).</summary>
    public VdpTlvType Type { get; private set; }
    public ReadOnlySpan<byte> Value { get; private set; }
    /// <summary>Offset of the current TLV's header in the payload.</summary>
    public int Offset { get; private set; }
    public VdpParseError Error { get; private set; }
    /// <summary>An End TLV was read (anything after it is padding).</summary>
    public bool SawEnd { get; private set; }

    /// <summary>Moves to the next TLV; false at the end of the list or on an error (see <see cref="Error"/>).</summary>
    public bool Read()
    {
        if (_finished)
        {
            return false;
        }
        int remaining = _payload.Length - _next;
        if (remaining == 0)
        {
            // lldpad sends no End TLV: a list that fills the payload exactly is complete.
            _finished = true;
            return false;
        }
        Offset = _next;
        if (remaining < HeaderSize)
        {
            return Fail(VdpParseError.TruncatedHeader);
        }
        ushort header = BinaryPrimitives.ReadUInt16BigEndian(_payload[_next..]);
        int length = header & MaxValueSize;
        if (length > remaining - HeaderSize)
        {
            return Fail(VdpParseError.ValueOverrun);
        }
        Type = (VdpTlvType)(header >> 9);
        Value = _payload.Slice(_next + HeaderSize, length);
        _next += HeaderSize + length;
        if (Type == VdpTlvType.End)
        {
            _finished = true;
            SawEnd = true;
            return length == 0 ? false : Fail(VdpParseError.EndTlvWithValue);
        }
        return true;
    }

    private bool Fail(VdpParseError error)
    {
        Error = error;
        _finished = true;
        return false;
    }
}
