// The 4-byte ECP header (802.1Qbg-2012 clause 43) and the two PDUs built from it. On the wire, big
// endian: version (4 bits, 1) | operation (2) | subtype (10), then the 16-bit sequence number.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Qbg.Ecp;

public readonly record struct EcpHeader(EcpOperation Operation, EcpSubtype Subtype, ushort Sequence)
{
    public const int Size = 4;
    public const int Version = 1;
    /// <summary>Largest subtype the 10-bit field holds.</summary>
    public const ushort MaxSubtype = 0x3FF;
    /// <summary>An upper-layer PDU that fits one untagged Ethernet payload after the header.</summary>
    public const int MaxBodySize = 1500 - Size;

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>; a reserved operation or an 11-bit subtype throws.</summary>
    public void Write(Span<byte> destination)
    {
        if (Operation is not (EcpOperation.Request or EcpOperation.Ack))
        {
            throw new InvalidOperationException($"ECP defines only Request and Ack, not operation {(int)Operation}.");
        }
        if ((ushort)Subtype > MaxSubtype)
        {
            throw new InvalidOperationException($"An ECP subtype has 10 bits, {(int)Subtype} does not fit.");
        }
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)((Version << 12) | ((int)Operation << 10) | (ushort)Subtype));
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], Sequence);
    }

    /// <summary>An ECP payload (no Ethernet header, no padding): the REQ header then <paramref name="body"/>.</summary>
    public static byte[] Request(EcpSubtype subtype, ushort sequence, ReadOnlySpan<byte> body)
    {
        CheckSubtype(subtype);
        if (body.Length > MaxBodySize)
        {
            throw new ArgumentOutOfRangeException(nameof(body), body.Length, $"An ECP body holds at most {MaxBodySize} bytes.");
        }
        var payload = new byte[Size + body.Length];
        new EcpHeader(EcpOperation.Request, subtype, sequence).Write(payload);
        body.CopyTo(payload.AsSpan(Size));
        return payload;
    }

    /// <summary>An ECP payload acknowledging <paramref name="sequence"/>: the header alone.</summary>
    public static byte[] Ack(EcpSubtype subtype, ushort sequence)
    {
        CheckSubtype(subtype);
        var payload = new byte[Size];
        new EcpHeader(EcpOperation.Ack, subtype, sequence).Write(payload);
        return payload;
    }

    private static void CheckSubtype(EcpSubtype subtype)
    {
        if ((ushort)subtype > MaxSubtype)
        {
            throw new ArgumentOutOfRangeException(nameof(subtype), subtype, "An ECP subtype has 10 bits.");
        }
    }
}
