// ERSPAN encapsulation (draft-foschiano-erspan-03, as Cisco and Linux send it): a mirrored frame inside
// outer Ethernet, IPv4 (protocol 47) and GRE with a sequence number, then the ERSPAN header: type II
// (GRE 0x88BE: version 1, VLAN, COS, encapsulation, truncated, session id, port index) or type III
// (GRE 0x22EB: version 2, VLAN, COS, BSO, truncated, session id, a timestamp in 100 µs units, then
// SGT, P, FT, hardware id, direction, granularity, O). Pure: bytes in, bytes out, no clock (the
// timestamp is given), no allocation.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Mirroring;

public static class ErspanEncapsulation
{
    public const ushort GreProtocolTypeII = 0x88BE;
    public const ushort GreProtocolTypeIII = 0x22EB;
    public const int EthernetSize = 14;
    public const int Ipv4Size = 20;
    public const int GreSize = 8;            // flags and protocol, then the sequence number (S bit set)
    public const int TypeIIHeaderSize = 8;
    public const int TypeIIIHeaderSize = 12;
    private const ushort EtherTypeIpv4 = 0x0800;
    private const byte ProtocolGre = 47;
    private const ushort GreSequencePresent = 0x1000;
    private const ushort DontFragment = 0x4000;
    private const int TypeIIVersion = 1;
    private const int TypeIIIVersion = 2;
    /// <summary>Type II's En field: the frame carries its 802.1Q tag itself.</summary>
    private const int EncapsulationTagInFrame = 3;

    /// <summary>Bytes in front of the mirrored frame for <paramref name="version"/>.</summary>
    public static int HeaderSize(ErspanVersion version) =>
        EthernetSize + Ipv4Size + GreSize + (version == ErspanVersion.TypeII ? TypeIIHeaderSize : TypeIIIHeaderSize);

    /// <summary>
    /// Writes the encapsulated frame into <paramref name="into"/>: the headers, then as much of
    /// <paramref name="inner"/> as fits (the T bit says when it was cut). Returns the bytes written, or
    /// 0 when not even the headers fit.
    /// </summary>
    public static int Write(Span<byte> into, ReadOnlySpan<byte> inner, ErspanTunnel tunnel, in ErspanFrame frame)
    {
        ArgumentNullException.ThrowIfNull(tunnel);
        int headerSize = HeaderSize(tunnel.Version);
        if (into.Length < headerSize)
        {
            return 0;
        }
        int innerLength = Math.Min(inner.Length, into.Length - headerSize);
        bool truncated = frame.Truncated || innerLength < inner.Length;
        int total = headerSize + innerLength;

        tunnel.CollectorMac.Write(into);
        tunnel.SourceMac.Write(into[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(into[12..], EtherTypeIpv4);

        Span<byte> ip = into.Slice(EthernetSize, Ipv4Size);
        ip[0] = 0x45;   // version 4, 5 words
        ip[1] = (byte)(tunnel.Dscp << 2);
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(total - EthernetSize));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)frame.Sequence);   // identification: unique enough per session, never fragmented
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], DontFragment);
        ip[8] = tunnel.Ttl;
        ip[9] = ProtocolGre;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], tunnel.SourceIp);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], tunnel.CollectorIp);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Ipv4Checksum(ip));

        Span<byte> gre = into.Slice(EthernetSize + Ipv4Size, GreSize);
        BinaryPrimitives.WriteUInt16BigEndian(gre, GreSequencePresent);
        BinaryPrimitives.WriteUInt16BigEndian(gre[2..], tunnel.Version == ErspanVersion.TypeII ? GreProtocolTypeII : GreProtocolTypeIII);
        BinaryPrimitives.WriteUInt32BigEndian(gre[4..], frame.Sequence);

        Span<byte> erspan = into[(EthernetSize + Ipv4Size + GreSize)..headerSize];
        int vid = frame.Vid & 0x0FFF;
        int cos = frame.Cos & 0x7;
        int sessionId = tunnel.SessionId & 0x3FF;
        int truncatedBit = truncated ? 1 : 0;
        if (tunnel.Version == ErspanVersion.TypeII)
        {
            int encapsulation = frame.TaggedInFrame ? EncapsulationTagInFrame : 0;
            BinaryPrimitives.WriteUInt32BigEndian(erspan, (uint)((TypeIIVersion << 28) | (vid << 16) | (cos << 13) | (encapsulation << 11) | (truncatedBit << 10) | sessionId));
            BinaryPrimitives.WriteUInt32BigEndian(erspan[4..], (uint)(frame.PortIndex & 0xFFFFF));
        }
        else
        {
            const int badShortOversized = 0;   // the bridge mirrors frames it could read: good
            BinaryPrimitives.WriteUInt32BigEndian(erspan, (uint)((TypeIIIVersion << 28) | (vid << 16) | (cos << 13) | (badShortOversized << 11) | (truncatedBit << 10) | sessionId));
            BinaryPrimitives.WriteUInt32BigEndian(erspan[4..], frame.Timestamp);
            const int ethernetFrame = 1;       // P: the payload is an Ethernet frame (FT 0)
            const int granularity100Us = 0;    // Gra 00: the timestamp counts 100 µs
            int direction = frame.Egress ? 1 : 0;
            BinaryPrimitives.WriteUInt32BigEndian(erspan[8..], (uint)((ethernetFrame << 15) | ((tunnel.HardwareId & 0x3F) << 4) | (direction << 3) | (granularity100Us << 1)));
        }
        inner[..innerLength].CopyTo(into[headerSize..]);
        return total;
    }

    /// <summary>The IPv4 header checksum (RFC 791) of <paramref name="header"/> with its checksum field zero.</summary>
    public static ushort Ipv4Checksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < header.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }
}

/// <summary>
/// What the ERSPAN header says about one mirrored frame: its VLAN and COS, which way it was going,
/// the session's GRE sequence number, type III's timestamp (100 µs units), type II's port index,
/// and whether the frame carries its own tag (type II's En) or was cut short before (T).
/// </summary>
public readonly record struct ErspanFrame(int Vid, int Cos, bool Egress, uint Sequence, uint Timestamp, int PortIndex, bool TaggedInFrame, bool Truncated = false);
