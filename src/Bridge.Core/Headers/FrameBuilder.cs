// Builds well-formed frames for tests, the demo and the CLI's trace command. Not for the data path:
// it allocates freely.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Headers;

public sealed class FrameBuilder
{
    private const int MinimumFrameSize = 60;   // 64 on the wire, less the FCS

    private MacAddress _destination = MacAddress.Broadcast;
    private MacAddress _source = new(0x02_00_00_00_00_01);
    private readonly List<(ushort Protocol, ushort Control)> _tags = [];
    private ushort _etherType = 0x88B5;   // IEEE local experimental EtherType
    private byte[] _payload = [];
    private bool _pad = true;

    public FrameBuilder To(MacAddress destination) { _destination = destination; return this; }
    public FrameBuilder To(string destination) => To(MacAddress.Parse(destination));
    public FrameBuilder From(MacAddress source) { _source = source; return this; }
    public FrameBuilder From(string source) => From(MacAddress.Parse(source));

    /// <summary>Adds an 802.1Q C-tag (outermost first when called repeatedly).</summary>
    public FrameBuilder Tag(int vid, int pcp = 0, bool dei = false) =>
        AddTag(EtherTypes.CustomerVlan, vid, pcp, dei);

    /// <summary>Adds an 802.1ad S-tag.</summary>
    public FrameBuilder ServiceTag(int vid, int pcp = 0) => AddTag(EtherTypes.ServiceVlan, vid, pcp, false);

    private FrameBuilder AddTag(ushort protocol, int vid, int pcp, bool dei)
    {
        _tags.Add((protocol, (ushort)((pcp << 13) | (dei ? 0x1000 : 0) | (vid & 0x0FFF))));
        return this;
    }

    public FrameBuilder EtherType(ushort etherType) { _etherType = etherType; return this; }
    public FrameBuilder Payload(ReadOnlySpan<byte> payload) { _payload = payload.ToArray(); return this; }
    /// <summary>Leave a short frame short (the Linux stack hands 42-byte ARPs to veth unpadded).</summary>
    public FrameBuilder WithoutPadding() { _pad = false; return this; }

    /// <summary>An STP configuration BPDU: 802.3 length, LLC 42-42-03, 35 bytes of BPDU.</summary>
    public FrameBuilder StpBpdu()
    {
        var llcAndBpdu = new byte[38];
        llcAndBpdu[0] = 0x42;   // DSAP: spanning tree
        llcAndBpdu[1] = 0x42;   // SSAP
        llcAndBpdu[2] = 0x03;   // UI
        return EtherType((ushort)llcAndBpdu.Length).Payload(llcAndBpdu);
    }

    /// <summary>An ARP request "who has <paramref name="targetIp"/> tell <paramref name="senderIp"/>".</summary>
    public FrameBuilder ArpRequest(uint senderIp, uint targetIp)
    {
        var arp = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);                 // Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(2), EtherTypes.IPv4);
        arp[4] = 6;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(6), 1);      // request
        _source.Write(arp.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(arp.AsSpan(14), senderIp);
        BinaryPrimitives.WriteUInt32BigEndian(arp.AsSpan(24), targetIp);
        return EtherType(EtherTypes.Arp).Payload(arp);
    }

    /// <summary>An IPv4 UDP datagram with a correct header checksum (UDP checksum 0: none, legal for IPv4).</summary>
    public FrameBuilder Ipv4Udp(uint sourceIp, uint destinationIp, ushort sourcePort, ushort destinationPort, int payloadSize = 18, int dscp = 0, int ecn = 0)
    {
        int total = 20 + 8 + payloadSize;
        var ip = new byte[total];
        ip[0] = 0x45;
        ip[1] = (byte)((dscp << 2) | ecn);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)total);
        ip[8] = 64;
        ip[9] = 17;
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(12), sourceIp);
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(16), destinationIp);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(10), Ipv4HeaderChecksum(ip.AsSpan(0, 20)));
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(20), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(22), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(24), (ushort)(8 + payloadSize));
        return EtherType(EtherTypes.IPv4).Payload(ip);
    }

    /// <summary>An IPv4 packet (20-byte header, correct header checksum) around <paramref name="transport"/>,
    /// whose checksum, if it has one, is left as given. <paramref name="fragment"/> is the flags and offset field.</summary>
    public FrameBuilder Ipv4(uint sourceIp, uint destinationIp, byte protocol, ReadOnlySpan<byte> transport, ushort fragment = 0)
    {
        var ip = new byte[20 + transport.Length];
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(6), fragment);
        ip[8] = 64;
        ip[9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(12), sourceIp);
        BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(16), destinationIp);
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(10), Ipv4HeaderChecksum(ip.AsSpan(0, 20)));
        transport.CopyTo(ip.AsSpan(20));
        return EtherType(EtherTypes.IPv4).Payload(ip);
    }

    /// <summary>An IPv6 packet (40-byte header, no extension headers unless <paramref name="transport"/> starts with them).</summary>
    public FrameBuilder Ipv6(ReadOnlySpan<byte> sourceIp, ReadOnlySpan<byte> destinationIp, byte nextHeader, ReadOnlySpan<byte> transport)
    {
        var ip = new byte[40 + transport.Length];
        ip[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(4), (ushort)transport.Length);
        ip[6] = nextHeader;
        ip[7] = 64;
        sourceIp.CopyTo(ip.AsSpan(8, 16));
        destinationIp.CopyTo(ip.AsSpan(24, 16));
        transport.CopyTo(ip.AsSpan(40));
        return EtherType(EtherTypes.IPv6).Payload(ip);
    }

    public static ushort Ipv4HeaderChecksum(ReadOnlySpan<byte> header)
    {
        uint sum = 0;
        for (int i = 0; i + 1 < header.Length; i += 2)
        {
            if (i != 10)
            {
                sum += BinaryPrimitives.ReadUInt16BigEndian(header[i..]);
            }
        }
        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    public byte[] Build()
    {
        int headerSize = 12 + (4 * _tags.Count) + 2;
        int length = headerSize + _payload.Length;
        var frame = new byte[_pad ? Math.Max(length, MinimumFrameSize) : length];
        _destination.Write(frame);
        _source.Write(frame.AsSpan(6));
        int offset = 12;
        foreach ((ushort protocol, ushort control) in _tags)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(offset), protocol);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(offset + 2), control);
            offset += 4;
        }
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(offset), _etherType);
        _payload.CopyTo(frame.AsSpan(offset + 2));
        return frame;
    }
}
