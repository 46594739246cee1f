// Hand-built frames for the header reader tests. Each helper writes one header in network order, so a
// test composes exactly the bytes it means to parse; checksums stay zero because the readers ignore them.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tests.Headers;

internal static class TestPackets
{
    public static readonly MacAddress HostA = new(0x5254_0000_000A);
    public static readonly MacAddress HostB = new(0x5254_0000_000B);
    public const uint IpA = 0xC000_0201;   // 192.0.2.1
    public const uint IpB = 0xC000_0202;   // 192.0.2.2
    public static readonly UInt128 Ip6A = new(0x2001_0DB8_0000_0000, 0x0A);                    // 2001:db8::a
    public static readonly UInt128 Ip6B = new(0x2001_0DB8_0000_0000, 0x0B);                    // 2001:db8::b
    public static readonly UInt128 SolicitedNodeB = new(0xFF02_0000_0000_0000, 0x1_FF00_000B); // ff02::1:ff00:b

    public const ushort DontFragment = 0x4000;
    public const ushort MoreFragments = 0x2000;

    public const byte HopByHop = 0;
    public const byte Routing = 43;
    public const byte Fragment = 44;
    public const byte AuthenticationHeader = 51;
    public const byte NoNextHeader = 59;
    public const byte DestinationOptions = 60;
    public const byte Mobility = 135;

    public static ushort Tci(byte pcp, ushort vid) => (ushort)((pcp << 13) | vid);

    public static byte[] Ethernet(ushort etherType, byte[] payload, params (ushort Tpid, ushort Tci)[] tags) =>
        Ethernet(HostB, etherType, payload, tags);

    public static byte[] Ethernet(MacAddress destination, ushort etherType, byte[] payload, params (ushort Tpid, ushort Tci)[] tags)
    {
        var frame = new byte[14 + (4 * tags.Length) + payload.Length];
        destination.Write(frame);
        HostA.Write(frame.AsSpan(6));
        int offset = 12;
        foreach (var (tpid, tci) in tags)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(offset), tpid);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(offset + 2), tci);
            offset += 4;
        }
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(offset), etherType);
        payload.CopyTo(frame, offset + 2);
        return frame;
    }

    public static byte[] Arp(ushort operation, MacAddress senderMac, uint senderIp, MacAddress targetMac, uint targetIp)
    {
        var packet = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(packet, 1);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), EtherTypes.IPv4);
        packet[4] = 6;
        packet[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), operation);
        senderMac.Write(packet.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(14), senderIp);
        targetMac.Write(packet.AsSpan(18));
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(24), targetIp);
        return packet;
    }

    public static byte[] Ipv4(byte protocol, byte[] payload, uint source = IpA, uint destination = IpB,
        byte dscp = 0, ushort fragmentField = 0, int optionWords = 0)
    {
        int headerLength = 20 + (4 * optionWords);
        var packet = new byte[headerLength + payload.Length];
        packet[0] = (byte)(0x40 | (headerLength / 4));
        packet[1] = (byte)(dscp << 2);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 0x1234);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), fragmentField);
        packet[8] = 64;
        packet[9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(12), source);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(16), destination);
        packet.AsSpan(20, headerLength - 20).Fill(1);   // NOP options
        payload.CopyTo(packet, headerLength);
        return packet;
    }

    public static byte[] Ipv6(byte nextHeader, byte[] payload, UInt128? source = null, UInt128? destination = null,
        byte trafficClass = 0, uint flowLabel = 0, byte hopLimit = 64)
    {
        var packet = new byte[40 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(packet, (6u << 28) | ((uint)trafficClass << 20) | flowLabel);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), (ushort)payload.Length);
        packet[6] = nextHeader;
        packet[7] = hopLimit;
        BinaryPrimitives.WriteUInt128BigEndian(packet.AsSpan(8), source ?? Ip6A);
        BinaryPrimitives.WriteUInt128BigEndian(packet.AsSpan(24), destination ?? Ip6B);
        payload.CopyTo(packet, 40);
        return packet;
    }

    /// <summary>A Hop-by-Hop, Routing or Destination Options header of <paramref name="length"/> bytes (a multiple of 8), zero-filled.</summary>
    public static byte[] ExtensionHeader(byte nextHeader, int length)
    {
        var header = new byte[length];
        header[0] = nextHeader;
        header[1] = (byte)((length / 8) - 1);
        return header;
    }

    /// <summary>An Authentication Header of <paramref name="length"/> bytes (a multiple of 4, at least 12).</summary>
    public static byte[] AuthenticationHeaderOf(byte nextHeader, int length)
    {
        var header = new byte[length];
        header[0] = nextHeader;
        header[1] = (byte)((length / 4) - 2);
        return header;
    }

    public static byte[] FragmentHeader(byte nextHeader, ushort offsetUnits, bool more)
    {
        var header = new byte[8];
        header[0] = nextHeader;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), (ushort)((offsetUnits << 3) | (more ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 0xCAFE);
        return header;
    }

    /// <summary>A TCP segment; the first option word is an MSS option, further words NOPs.</summary>
    public static byte[] Tcp(ushort source, ushort destination, byte flags, int optionWords = 0, int payloadLength = 0)
    {
        int headerLength = 20 + (4 * optionWords);
        var segment = new byte[headerLength + payloadLength];
        BinaryPrimitives.WriteUInt16BigEndian(segment, source);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destination);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), 0x0102_0304);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(8), (flags & TcpFlags.Ack) != 0 ? 0x0A0B_0C0Du : 0);
        segment[12] = (byte)((headerLength / 4) << 4);
        segment[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), 0xFAF0);
        if (optionWords > 0)
        {
            segment.AsSpan(20, headerLength - 20).Fill(1);
            segment[20] = 2;
            segment[21] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(22), 1460);
        }
        FillPattern(segment.AsSpan(headerLength));
        return segment;
    }

    public static byte[] Udp(ushort source, ushort destination, int payloadLength, int? lengthField = null)
    {
        var datagram = new byte[8 + payloadLength];
        BinaryPrimitives.WriteUInt16BigEndian(datagram, source);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), destination);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)(lengthField ?? datagram.Length));
        FillPattern(datagram.AsSpan(8));
        return datagram;
    }

    public static byte[] Icmp(byte type, byte code, int bodyLength)
    {
        var message = new byte[4 + bodyLength];
        message[0] = type;
        message[1] = code;
        FillPattern(message.AsSpan(4));
        return message;
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        int offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }
        return result;
    }

    /// <summary>Names of the well-formed sample frames, none with trailing padding.</summary>
    public static readonly string[] SampleNames =
    [
        "arp-request", "ipv4-tcp-syn", "ipv4-udp", "ipv4-icmp-echo", "ipv6-icmpv6-ns", "ipv6-ext-udp",
        "ipv6-fragment-first", "ipv6-fragment-later", "vlan-ipv4-udp", "qinq-ipv4-tcp",
    ];

    public static byte[] Sample(string name) => name switch
    {
        "arp-request" => Ethernet(MacAddress.Broadcast, EtherTypes.Arp, Arp(ArpReader.OperationRequest, HostA, IpA, MacAddress.Zero, IpB)),
        "ipv4-tcp-syn" => Ethernet(EtherTypes.IPv4, Ipv4(TcpReader.IpProtocol, Tcp(49152, 443, TcpFlags.Syn, optionWords: 1), dscp: 46, fragmentField: DontFragment)),
        "ipv4-udp" => Ethernet(EtherTypes.IPv4, Ipv4(UdpReader.IpProtocol, Udp(5353, 53, 12))),
        "ipv4-icmp-echo" => Ethernet(EtherTypes.IPv4, Ipv4(IcmpReader.Icmpv4Protocol, Icmp(8, 0, 36))),
        "ipv6-icmpv6-ns" => Ethernet(EtherTypes.IPv6, Ipv6(IcmpReader.Icmpv6Protocol, Icmp(135, 0, 28), destination: SolicitedNodeB, hopLimit: 255)),
        "ipv6-ext-udp" => Ethernet(EtherTypes.IPv6, Ipv6(HopByHop, Concat(
            ExtensionHeader(Routing, 8), ExtensionHeader(DestinationOptions, 24), ExtensionHeader(UdpReader.IpProtocol, 16),
            Udp(40000, 4789, 20)), trafficClass: 0xB8, flowLabel: 0x12345)),
        // The UDP length describes the reassembled 1208-byte datagram; only its first 48 bytes are here.
        "ipv6-fragment-first" => Ethernet(EtherTypes.IPv6, Ipv6(Fragment, Concat(
            FragmentHeader(UdpReader.IpProtocol, 0, more: true), Udp(40000, 53, 40, lengthField: 1208)))),
        "ipv6-fragment-later" => Ethernet(EtherTypes.IPv6, Ipv6(Fragment, Concat(
            FragmentHeader(UdpReader.IpProtocol, 6, more: false), Pattern(64)))),
        "vlan-ipv4-udp" => Ethernet(EtherTypes.IPv4, Ipv4(UdpReader.IpProtocol, Udp(68, 67, 20)), (EtherTypes.CustomerVlan, Tci(5, 100))),
        "qinq-ipv4-tcp" => Ethernet(EtherTypes.IPv4, Ipv4(TcpReader.IpProtocol, Tcp(443, 49152, TcpFlags.Syn | TcpFlags.Ack)),
            (EtherTypes.ServiceVlan, Tci(3, 200)), (EtherTypes.CustomerVlan, Tci(0, 100))),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such sample frame"),
    };

    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        FillPattern(bytes);
        return bytes;
    }

    // Non-zero, position-dependent filler, so a reader that starts at the wrong offset reads wrong values.
    private static void FillPattern(Span<byte> bytes)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(0xA0 + i);
        }
    }
}
