// The parsed FRAME-SPEC before it becomes bytes: checks the parts fit together (ports need udp/tcp
// under ip, flags need tcp, ...) and builds the frame with FrameBuilder, padding to `size`.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Host.Tracing;

internal sealed class PacketSpec
{
    private const int Ipv4HeaderSize = 20;
    private const byte TcpProtocol = 6;
    private const byte UdpProtocol = 17;
    private const byte IcmpProtocol = 1;
    private const byte ExperimentalProtocol = 253;   // RFC 3692: a bare `ip` carries no transport
    private const int UdpDefaultPayload = 18;

    private string? _network;          // "arp" or "ip"
    private uint _sourceIp;
    private uint _destinationIp;
    private string? _transport;        // "udp", "tcp" or "icmp"
    private int _first;                // source port or ICMP type
    private int _second;               // destination port or ICMP code
    private byte _tcpFlags;
    private int _dscp;

    public MacAddress? Source { get; set; }
    public MacAddress? Destination { get; set; }
    public List<(int Vid, int Pcp)> Tags { get; } = [];
    public ushort? EtherType { get; set; }
    public int? Size { get; set; }

    public void SetNetwork(string keyword, uint source, string arrow, uint destination)
    {
        _ = arrow;
        if (_network is not null)
        {
            throw FrameSpecException.At(keyword, $"the frame already carries {_network}");
        }
        (_network, _sourceIp, _destinationIp) = (keyword, source, destination);
    }

    public void SetTransport(string keyword, int first, int second)
    {
        if (_network != "ip")
        {
            throw FrameSpecException.At(keyword, "needs 'ip SRC to DST' before it");
        }
        if (_transport is not null)
        {
            throw FrameSpecException.At(keyword, $"the packet already carries {_transport}");
        }
        (_transport, _first, _second) = (keyword, first, second);
    }

    public void SetFlags(string keyword, byte flags)
    {
        if (_transport != "tcp")
        {
            throw FrameSpecException.At(keyword, "flags need 'tcp SPORT DPORT' before them");
        }
        _tcpFlags = flags;
    }

    public void SetDscp(string keyword, int dscp)
    {
        if (_network != "ip")
        {
            throw FrameSpecException.At(keyword, "needs 'ip SRC to DST' before it");
        }
        _dscp = dscp;
    }

    public byte[] Build()
    {
        MacAddress source = Source ?? throw FrameSpecException.Missing("'src MAC'");
        MacAddress destination = Destination ?? throw FrameSpecException.Missing("'dst MAC'");
        if (EtherType is not null && _network is not null)
        {
            throw FrameSpecException.At("type", $"an {_network} frame has its own EtherType");
        }
        var builder = new FrameBuilder().From(source).To(destination);
        foreach ((int vid, int pcp) in Tags)
        {
            builder.Tag(vid, pcp);
        }
        int headers = 14 + (4 * Tags.Count);
        switch (_network)
        {
            case "arp":
                builder.ArpRequest(_sourceIp, _destinationIp);
                break;
            case "ip":
                int l4 = _transport switch { "tcp" => 20, "udp" or "icmp" => 8, _ => 0 };
                int payload = Size is int size ? size - headers - Ipv4HeaderSize - l4 : _transport == "udp" ? UdpDefaultPayload : 0;
                if (payload < 0)
                {
                    throw FrameSpecException.At("size", $"{Size} bytes cannot hold the headers ({headers + Ipv4HeaderSize + l4} bytes)");
                }
                builder.EtherType(EtherTypes.IPv4).Payload(Ipv4(l4, payload));
                break;
            default:
                builder.EtherType(EtherType ?? 0x88B5);
                if (Size is int rawSize)
                {
                    builder.Payload(new byte[Math.Max(0, rawSize - headers)]);
                }
                break;
        }
        byte[] frame = builder.Build();
        if (Size is int wanted && frame.Length > wanted)
        {
            if (wanted < headers + (_network == "arp" ? 28 : 0))
            {
                throw FrameSpecException.At("size", $"{wanted} bytes cannot hold the headers");
            }
            return builder.WithoutPadding().Build()[..wanted];
        }
        return frame;
    }

    private byte[] Ipv4(int transportSize, int payloadSize)
    {
        int total = Ipv4HeaderSize + transportSize + payloadSize;
        var ip = new byte[total];
        ip[0] = 0x45;
        ip[1] = (byte)(_dscp << 2);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)total);
        ip[8] = 64;
        ip[9] = _transport switch { "tcp" => TcpProtocol, "udp" => UdpProtocol, "icmp" => IcmpProtocol, _ => ExperimentalProtocol };
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(12), _sourceIp);
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(16), _destinationIp);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(10), FrameBuilder.Ipv4HeaderChecksum(ip.AsSpan(0, Ipv4HeaderSize)));
        Span<byte> l4 = ip.AsSpan(Ipv4HeaderSize);
        switch (_transport)
        {
            case "udp":
                BinaryPrimitives.WriteUInt16BigEndian(l4, (ushort)_first);
                BinaryPrimitives.WriteUInt16BigEndian(l4[2..], (ushort)_second);
                BinaryPrimitives.WriteUInt16BigEndian(l4[4..], (ushort)(transportSize + payloadSize));
                break;
            case "tcp":
                BinaryPrimitives.WriteUInt16BigEndian(l4, (ushort)_first);
                BinaryPrimitives.WriteUInt16BigEndian(l4[2..], (ushort)_second);
                l4[12] = 5 << 4;   // data offset: five words, no options
                l4[13] = _tcpFlags;
                BinaryPrimitives.WriteUInt16BigEndian(l4[14..], 65535);
                break;
            case "icmp":
                l4[0] = (byte)_first;
                l4[1] = (byte)_second;
                break;
            default:
                break;
        }
        return ip;
    }
}
