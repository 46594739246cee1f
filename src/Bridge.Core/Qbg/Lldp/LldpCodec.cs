// Reads and writes LLDPDUs (the payload after EtherType 0x88CC), keeping only what 802.1Qbg needs: the
// neighbour's identity, its TTL and the ratified EVB TLV. Order and lengths are checked as 802.1AB
// 9.2.7.7 asks; a malformed PDU is refused with a reason, never thrown on.
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Hairpin.Bridge.Core.Qbg.Lldp;

public static class LldpCodec
{
    public const int TypeEnd = 0;
    public const int TypeChassisId = 1;
    public const int TypePortId = 2;
    public const int TypeTtl = 3;
    public const int TypeOrganizational = 127;

    private const int TtlSize = 2;
    private const int OuiAndSubtypeSize = 4;
    private const int IdMinSize = 2;                          // subtype and at least one byte
    private const int IdMaxSize = 1 + LldpId.MaxValueSize;

    /// <summary>
    /// Parses an LLDPDU. Zero padding after the End TLV is ignored; a PDU that stops without an End TLV
    /// is read to its last whole TLV. False, with a short <paramref name="reason"/>, for a malformed PDU.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, [NotNullWhen(true)] out LldpPdu? pdu, out string reason)
    {
        pdu = null;
        var reader = new LldpTlvReader(payload);
        if (!TryReadId(ref reader, TypeChassisId, LldpIdKind.Chassis, out LldpId? chassis, out reason)
            || !TryReadId(ref reader, TypePortId, LldpIdKind.Port, out LldpId? port, out reason))
        {
            return false;
        }
        if (!reader.Read() || reader.Type != TypeTtl)
        {
            reason = reader.Overrun ? "TLV overruns the PDU" : "third TLV is not the TTL";
            return false;
        }
        if (reader.Value.Length != TtlSize)
        {
            reason = "TTL length is not 2";
            return false;
        }
        int ttl = BinaryPrimitives.ReadUInt16BigEndian(reader.Value);

        EvbTlv? evb = null;
        int unknown = 0;
        while (reader.Read() && reader.Type != TypeEnd)
        {
            switch (reader.Type)
            {
                case TypeChassisId or TypePortId or TypeTtl:
                    reason = "mandatory TLV repeated";
                    return false;
                case TypeOrganizational when reader.Value.Length < OuiAndSubtypeSize:
                    reason = "organizational TLV shorter than OUI and subtype";
                    return false;
                case TypeOrganizational when IsEvb(reader.Value):
                    if (reader.Value.Length != EvbTlv.InfoSize)
                    {
                        reason = "EVB TLV length is not 9";
                        return false;
                    }
                    if (evb is not null)
                    {
                        reason = "EVB TLV repeated";
                        return false;
                    }
                    EvbTlv.TryRead(reader.Value[OuiAndSubtypeSize..], out EvbTlv read);
                    evb = read;
                    break;
                default:
                    unknown++;
                    break;
            }
        }
        if (reader.Overrun)
        {
            reason = "TLV overruns the PDU";
            return false;
        }
        pdu = new LldpPdu(chassis!, port!, ttl, evb) { UnknownTlvCount = unknown };
        reason = "";
        return true;
    }

    /// <summary>Chassis ID, port ID, TTL, the EVB TLV if any, End: the PDU the agent sends.</summary>
    public static byte[] Encode(LldpPdu pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        ArgumentOutOfRangeException.ThrowIfNegative(pdu.TtlSeconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pdu.TtlSeconds, ushort.MaxValue);
        int size = IdTlvSize(pdu.Chassis) + IdTlvSize(pdu.Port) + LldpTlvReader.HeaderSize + TtlSize
            + (pdu.Evb is null ? 0 : LldpTlvReader.HeaderSize + EvbTlv.InfoSize) + LldpTlvReader.HeaderSize;
        var buffer = new byte[size];
        Span<byte> rest = buffer;
        rest = WriteId(rest, TypeChassisId, pdu.Chassis);
        rest = WriteId(rest, TypePortId, pdu.Port);
        LldpTlvReader.WriteHeader(rest, TypeTtl, TtlSize);
        BinaryPrimitives.WriteUInt16BigEndian(rest[LldpTlvReader.HeaderSize..], (ushort)pdu.TtlSeconds);
        rest = rest[(LldpTlvReader.HeaderSize + TtlSize)..];
        if (pdu.Evb is { } evb)
        {
            LldpTlvReader.WriteHeader(rest, TypeOrganizational, EvbTlv.InfoSize);
            rest = rest[LldpTlvReader.HeaderSize..];
            rest[0] = EvbTlv.Oui >> 16;
            rest[1] = (EvbTlv.Oui >> 8) & 0xFF;
            rest[2] = EvbTlv.Oui & 0xFF;
            rest[3] = EvbTlv.Subtype;
            evb.Write(rest[OuiAndSubtypeSize..]);
            rest = rest[EvbTlv.InfoSize..];
        }
        LldpTlvReader.WriteHeader(rest, TypeEnd, 0);
        return buffer;
    }

    private static bool IsEvb(ReadOnlySpan<byte> value) =>
        value[0] == EvbTlv.Oui >> 16 && value[1] == ((EvbTlv.Oui >> 8) & 0xFF) && value[2] == (EvbTlv.Oui & 0xFF)
        && value[3] == EvbTlv.Subtype;

    private static bool TryReadId(ref LldpTlvReader reader, int type, LldpIdKind kind, out LldpId? id, out string reason)
    {
        id = null;
        if (!reader.Read() || reader.Type != type)
        {
            reason = reader.Overrun ? "TLV overruns the PDU"
                : kind == LldpIdKind.Chassis ? "first TLV is not the chassis ID" : "second TLV is not the port ID";
            return false;
        }
        if (reader.Value.Length is < IdMinSize or > IdMaxSize)
        {
            reason = kind == LldpIdKind.Chassis ? "chassis ID length out of 2..256" : "port ID length out of 2..256";
            return false;
        }
        id = new LldpId(kind, reader.Value[0], reader.Value[1..]);
        reason = "";
        return true;
    }

    private static int IdTlvSize(LldpId id) => LldpTlvReader.HeaderSize + 1 + id.Value.Length;

    private static Span<byte> WriteId(Span<byte> destination, int type, LldpId id)
    {
        LldpTlvReader.WriteHeader(destination, type, 1 + id.Value.Length);
        destination[LldpTlvReader.HeaderSize] = id.Subtype;
        id.Value.CopyTo(destination[(LldpTlvReader.HeaderSize + 1)..]);
        return destination[IdTlvSize(id)..];
    }
}
