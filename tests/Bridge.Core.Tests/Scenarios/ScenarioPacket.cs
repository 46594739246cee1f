// The L3/L4 part of a scenario `send`: `ip SIP > DIP [udp|tcp SPORT DPORT] [icmp TYPE CODE] [flags LIST]
// [dscp N]` builds a real IPv4 datagram (header checksum correct, and the TCP and ICMP checksums too),
// `arp SIP > DIP` an ARP request "who has DIP, tell SIP".
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tests.Scenarios;

internal sealed class ScenarioPacket
{
    private const byte Icmp = 1;
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const int Ipv4HeaderSize = 20;

    private readonly bool _arp;
    private readonly uint _source;
    private readonly uint _destination;
    private byte _protocol = Udp;
    private ushort _sourcePort = 49152;   // without `udp`/`tcp`: UDP from an ephemeral port to discard (9)
    private ushort _destinationPort = 9;
    private byte _tcpFlags = TcpFlags.Ack;
    private byte _icmpType = 8;           // echo request
    private byte _icmpCode;
    private int _dscp;

    private ScenarioPacket(bool arp, uint source, uint destination)
    {
        _arp = arp;
        _source = source;
        _destination = destination;
    }

    public static bool Starts(string word) => word is "ip" or "arp";

    /// <summary>Reads `ip|arp SIP > DIP` at <paramref name="i"/>, leaving <paramref name="i"/> on its last word.</summary>
    public static ScenarioPacket Read(string[] words, ref int i, Func<string, Exception> fail)
    {
        if (i + 3 >= words.Length || words[i + 2] != ">")
        {
            throw fail($"{words[i]} wants: {words[i]} SOURCE-IP > DESTINATION-IP");
        }
        var packet = new ScenarioPacket(words[i] == "arp", Address(words[i + 1], fail), Address(words[i + 3], fail));
        i += 3;
        return packet;
    }

    /// <summary>Takes an L4 or DSCP option at <paramref name="i"/> if it is one, leaving <paramref name="i"/> on its last word.</summary>
    public bool TryOption(string[] words, ref int i, Func<string, Exception> fail)
    {
        string key = words[i];
        int values = key switch
        {
            "udp" or "tcp" or "icmp" => 2,
            "flags" or "dscp" => 1,
            _ => 0,
        };
        if (values == 0)
        {
            return false;
        }
        if (_arp)
        {
            throw fail($"'{key}' makes no sense on an ARP frame");
        }
        if (i + values >= words.Length)
        {
            throw fail($"'{key}' needs {values} value(s)");
        }
        switch (key)
        {
            case "udp" or "tcp":
                _protocol = key == "udp" ? Udp : Tcp;
                _sourcePort = ushort.Parse(words[i + 1], CultureInfo.InvariantCulture);
                _destinationPort = ushort.Parse(words[i + 2], CultureInfo.InvariantCulture);
                break;
            case "icmp":
                _protocol = Icmp;
                _icmpType = byte.Parse(words[i + 1], CultureInfo.InvariantCulture);
                _icmpCode = byte.Parse(words[i + 2], CultureInfo.InvariantCulture);
                break;
            case "flags":
                _tcpFlags = Flags(words[i + 1], fail);
                break;
            default:
                _dscp = int.Parse(words[i + 1], CultureInfo.InvariantCulture);
                break;
        }
        i += values;
        return true;
    }

    /// <summary>Makes the builder's payload this packet, padded so the frame is <paramref name="frameSize"/> bytes when that is given.</summary>
    public void Apply(FrameBuilder builder, int frameSize, int ethernetHeaderSize)
    {
        if (_arp)
        {
            builder.ArpRequest(_source, _destination);
            return;
        }
        int l4Header = _protocol == Tcp ? 20 : 8;
        int payload = frameSize > 0 ? Math.Max(0, frameSize - ethernetHeaderSize - Ipv4HeaderSize - l4Header) : 18;
        if (_protocol == Udp)
        {
            builder.Ipv4Udp(_source, _destination, _sourcePort, _destinationPort, payload, _dscp);
            return;
        }
        var segment = new byte[l4Header + payload];
        if (_protocol == Tcp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(segment, _sourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), _destinationPort);
            BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), 1);     // sequence
            segment[12] = 5 << 4;                                             // data offset: 20 bytes, no options
            segment[13] = _tcpFlags;
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), 65535); // window
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), Checksum(PseudoHeader(segment.Length), segment));
        }
        else
        {
            segment[0] = _icmpType;
            segment[1] = _icmpCode;
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), Checksum([], segment));
        }
        var ip = new byte[Ipv4HeaderSize + segment.Length];
        ip[0] = 0x45;
        ip[1] = (byte)(_dscp << 2);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
        ip[8] = 64;
        ip[9] = _protocol;
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(12), _source);
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(16), _destination);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(10), FrameBuilder.Ipv4HeaderChecksum(ip.AsSpan(0, Ipv4HeaderSize)));
        segment.CopyTo(ip, Ipv4HeaderSize);
        builder.EtherType(EtherTypes.IPv4).Payload(ip);
    }

    private byte[] PseudoHeader(int segmentLength)
    {
        var pseudo = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(pseudo, _source);
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(4), _destination);
        pseudo[9] = _protocol;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo.AsSpan(10), (ushort)segmentLength);
        return pseudo;
    }

    /// <summary>The Internet checksum (RFC 1071) over a pseudo-header and a segment whose checksum field is zero.</summary>
    private static ushort Checksum(byte[] pseudo, byte[] segment)
    {
        uint sum = 0;
        foreach (byte[] part in new[] { pseudo, segment })
        {
            for (int i = 0; i < part.Length; i += 2)
            {
                sum += (uint)(part[i] << 8 | (i + 1 < part.Length ? part[i + 1] : 0));
            }
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    // syn,ack | rst | none
    private static byte Flags(string list, Func<string, Exception> fail)
    {
        byte flags = 0;
        foreach (string name in list.Split(','))
        {
            flags |= name switch
            {
                "fin" => TcpFlags.Fin,
                "syn" => TcpFlags.Syn,
                "rst" => TcpFlags.Rst,
                "psh" => TcpFlags.Psh,
                "ack" => TcpFlags.Ack,
                "urg" => TcpFlags.Urg,
                "none" => 0,
                _ => throw fail($"unknown TCP flag '{name}'"),
            };
        }
        return flags;
    }

    private static uint Address(string text, Func<string, Exception> fail) =>
        IPAddress.TryParse(text, out IPAddress? address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes())
            : throw fail($"'{text}' is not an IPv4 address");
}
