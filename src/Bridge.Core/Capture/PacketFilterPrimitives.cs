// The primitives of a capture filter: each reads the same bytes, in the same order, as the BPF code
// libpcap 1.10 generates for the tcpdump word it stands for (`tcpdump -d EXPR` shows that code), so a
// frame too short for a read is rejected the same way. Offsets are fixed when the filter is parsed:
// `typeOffset` is where the EtherType is read, 12 plus 4 for every `vlan` written before the primitive.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Capture;

internal enum FilterDirection : byte
{
    SourceOrDestination,
    Source,
    Destination,
}

/// <summary>Where `host A.B.C.D` looks: IPv4 addresses, and ARP's and RARP's protocol addresses.</summary>
[Flags]
internal enum HostProtocols : byte
{
    Ip = 1,
    Arp = 2,
    ReverseArp = 4,
}

/// <summary>Which transports `port N` looks into (tcpdump's `port` alone means all three).</summary>
[Flags]
internal enum PortProtocols : byte
{
    Tcp = 1,
    Udp = 2,
    Sctp = 4,
}

/// <summary>Bounds-checked big-endian reads that flag a read past the frame instead of throwing.</summary>
internal static class FrameBytes
{
    public static bool Byte(ReadOnlySpan<byte> frame, int offset, ref bool beyondFrame, out byte value)
    {
        if ((uint)offset >= (uint)frame.Length)
        {
            beyondFrame = true;
            value = 0;
            return false;
        }
        value = frame[offset];
        return true;
    }

    public static bool UInt16(ReadOnlySpan<byte> frame, int offset, ref bool beyondFrame, out ushort value)
    {
        if (offset < 0 || offset > frame.Length - 2)
        {
            beyondFrame = true;
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadUInt16BigEndian(frame[offset..]);
        return true;
    }

    public static bool UInt32(ReadOnlySpan<byte> frame, int offset, ref bool beyondFrame, out uint value)
    {
        if (offset < 0 || offset > frame.Length - 4)
        {
            beyondFrame = true;
            value = 0;
            return false;
        }
        value = BinaryPrimitives.ReadUInt32BigEndian(frame[offset..]);
        return true;
    }
}

/// <summary>`ip`, `ip6`, `arp`: the EtherType (after any tags `vlan` stepped over).</summary>
internal sealed class EtherTypeNode(int typeOffset, ushort etherType) : FilterNode
{
    public override bool Evaluate(ReadOnlySpan<byte> frame, ref bool beyondFrame) =>
        FrameBytes.UInt16(frame, typeOffset, ref beyondFrame, out ushort type) && type == etherType;
}

/// <summary>`vlan [VID]`: a tag (802.1Q, 802.1ad or the old 0x9100) where the EtherType would be, optionally with that VID.</summary>
internal sealed class VlanNode(int typeOffset, int vid) : FilterNode
{
    public const int AnyVid = -1;

    public override bool Evaluate(ReadOnlySpan<byte> frame, ref bool beyondFrame)
    {
        if (!FrameBytes.UInt16(frame, typeOffset, ref beyondFrame, out ushort protocol)
            || protocol is not (EtherTypes.CustomerVlan or EtherTypes.ServiceVlan or EtherTypes.LegacyQinQ))
        {
            return false;
        }
        return vid == AnyVid
            || (FrameBytes.UInt16(frame, typeOffset + 2, ref beyondFrame, out ushort control) && (control & 0x0FFF) == vid);
    }
}

/// <summary>`tcp`, `udp`, `icmp`, `icmp6`: the IPv4 protocol, or the IPv6 next header (also behind one fragment header).</summary>
internal sealed class IpProtocolNode(int typeOffset, byte protocol, bool inIpv4, bool inIpv6) : FilterNode
{
    private const byte Ipv6FragmentHeader = 44;

    public override bool Evaluate(ReadOnlySpan<byte> frame, ref bool beyondFrame)
    {
        if (!FrameBytes.UInt16(frame, typeOffset, ref beyondFrame, out ushort type))
        {
            return false;
        }
        int ip = typeOffset + 2;
        if (inIpv4 && type == EtherTypes.IPv4)
        {
            return FrameBytes.Byte(frame, ip + 9, ref beyondFrame, out byte ipProtocol) && ipProtocol == protocol;
        }
        if (inIpv6 && type == EtherTypes.IPv6)
        {
            if (!FrameBytes.Byte(frame, ip + 6, ref beyondFrame, out byte next))
            {
                return false;
            }
            return next == protocol
                || (next == Ipv6FragmentHeader && FrameBytes.Byte(frame, ip + 40, ref beyondFrame, out byte afterFragment) && afterFragment == protocol);
        }
        return false;
    }
}

/// <summary>`[ip|arp] [src|dst] host A.B.C.D`: the IPv4 source/destination, or ARP/RARP sender/target protocol address.</summary>
internal sealed class Ipv4HostNode(int typeOffset, HostProtocols protocols, FilterDirection direction, uint address) : FilterNode
{
    public override bool Evaluate(ReadOnlySpan<byte> frame, ref bool beyondFrame)
    {
        if (!FrameBytes.UInt16(frame, typeOffset, ref beyondFrame, out ushort type))
        {
            return false;
        }
        int payload = typeOffset + 2;
        if ((protocols & HostProtocols.Ip) != 0 && type == EtherTypes.IPv4)
        {
            return Addresses(frame, payload + 12, payload + 16, ref beyondFrame);
        }
        if (((protocols & HostProtocols.Arp) != 0 && type == EtherTypes.Arp)
            || ((protocols & HostProtocols.ReverseArp) != 0 && type == EtherTypes.ReverseArp))
        {
            // Fixed offsets, as libpcap: Ethernet/IPv4 ARP (hardware size 6, protocol size 4).
            return Addresses(frame, payload + 14, payload + 24, ref beyondFrame);
        }
        return false;
    }

    private bool Addresses(ReadOnlySpan<byte> frame, int source, int destination, ref bool beyondFrame)
    {
        if (direction != FilterDirection.Destination)
        {
            if (!FrameBytes.UInt32(frame, source, ref beyondFrame, out uint value))
            {
                return false;
            }
            if (value == address || direction == FilterDirection.Source)
            {
                return value == address;
            }
        }
        return FrameBytes.UInt32(frame, destination, ref beyondFrame, out uint other) && other == address;
    }
}

/// <summary>`[ip6] [src|dst] host X:X::X`: the IPv6 source/destination, compared a 32-bit word at a time as BPF does.</summary>
internal sealed class Ipv6HostNode : FilterNode
{
    private const int SourceOffset = 8;
    private const int DestinationOffset = 24;

    private readonly int _typeOffset;
    private readonly FilterDirection _direction;
    private readonly uint _word0;
    private readonly uint _word1;
    private readonly uint _word2;
    private readonly uint _word3;

    public Ipv6HostNode(int typeOffset, FilterDirection direction, ReadOnlySpan<byte> address)
    {
        _typeOffset = typeOffset;
        _direction = direction;
        _word0 = BinaryPrimitives.ReadUInt32BigEndian(address);
        _word1 = BinaryPrimitives.ReadUInt32BigEndian(address[4..]);
        _word2 = BinaryPrimitives.ReadUInt32BigEndian(address[8..]);
        _word3 = BinaryPrimitives.ReadUInt32BigEndian(address[12..]);
    }

    public override bool Evaluate(ReadOnlySpan<byte> frame, ref bool beyondFrame)
    {
        if (!FrameBytes.UInt16(frame, _typeOffset, ref beyondFrame, out ushort type) || type != EtherTypes.IPv6)
        {
            return false;
        }
        int ip = _typeOffset + 2;
        if (_direction != FilterDirection.Destination)
        {
            if (AddressAt(frame, ip + SourceOffset, ref beyondFrame))
            {
                return true;
            }
            if (beyondFrame || _direction == FilterDirection.Source)
            {
                return false;
            }
        }
        return AddressAt(frame, ip + DestinationOffset, ref beyondFrame);
    }

    private bool AddressAt(ReadOnlySpan<byte> frame, int offset, ref bool beyondFrame) =>
        FrameBytes.UInt32(frame, offset, ref beyondFrame, out uint word0) && word0 == _word0
        && FrameBytes.UInt32(frame, offset + 4, ref beyondFrame, out uint word1) && word1 == _word1
        && FrameBytes.UInt32(frame, offset + 8, ref beyondFrame, out uint word2) && word2 == _word2
        && FrameBytes.UInt32(frame, offset + 12, ref beyondFrame, out uint word3) && word3 == _word3;
}

/// <summary>`ether [src|dst] [host] MAC`: the outer Ethernet addresses (tags do not move them).</summary>
internal sealed class EtherHostNode(FilterDirection direction, MacAddress address) : FilterNode
{
    private const int DestinationOffset = 0;
    private const int SourceOffset = 6;

    public override bool Evaluate(ReadOnlySpan<byte> frame, ref bool beyondFrame)
    {
        if (direction != FilterDirection.Destination)
        {
            if (AddressAt(frame, SourceOffset, ref beyondFrame))
            {
                return true;
            }
            if (beyondFrame || direction == FilterDirection.Source)
            {
                return false;
            }
        }
        return AddressAt(frame, DestinationOffset, ref beyondFrame);
    }

    private bool AddressAt(ReadOnlySpan<byte> frame, int offset, ref bool beyondFrame)
    {
        if (offset > frame.Length - MacAddress.Size)
        {
            beyondFrame = true;
            return false;
        }
        return MacAddress.Read(frame[offset..]) == address;
    }
}

/// <summary>`[tcp|udp] [src|dst] port N`: the transport ports of an IPv6 packet whose next header is the
/// transport, or of an IPv4 packet that is a first (or only) fragment, after its IHL-sized header.</summary>
internal sealed class PortNode(int typeOffset, PortProtocols protocols, FilterDirection direction, ushort port) : FilterNode
{
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const byte Sctp = 132;
    private const ushort FragmentOffsetMask = 0x1FFF;

    public override bool Evaluate(ReadOnlySpan<byte> frame, ref bool beyondFrame)
    {
        if (!FrameBytes.UInt16(frame, typeOffset, ref beyondFrame, out ushort type))
        {
            return false;
        }
        int ip = typeOffset + 2;
        if (type == EtherTypes.IPv6)
        {
            return FrameBytes.Byte(frame, ip + 6, ref beyondFrame, out byte next)
                && Carries(next)
                && Ports(frame, ip + 40, ref beyondFrame);
        }
        if (type == EtherTypes.IPv4)
        {
            if (!FrameBytes.Byte(frame, ip + 9, ref beyondFrame, out byte protocol) || !Carries(protocol)
                || !FrameBytes.UInt16(frame, ip + 6, ref beyondFrame, out ushort fragment) || (fragment & FragmentOffsetMask) != 0
                || !FrameBytes.Byte(frame, ip, ref beyondFrame, out byte versionAndLength))
            {
                return false;
            }
            return Ports(frame, ip + (4 * (versionAndLength & 0x0F)), ref beyondFrame);
        }
        return false;
    }

    private bool Carries(byte protocol) => protocol switch
    {
        Tcp => (protocols & PortProtocols.Tcp) != 0,
        Udp => (protocols & PortProtocols.Udp) != 0,
        Sctp => (protocols & PortProtocols.Sctp) != 0,
        _ => false,
    };

    private bool Ports(ReadOnlySpan<byte> frame, int transport, ref bool beyondFrame)
    {
        if (direction != FilterDirection.Destination)
        {
            if (!FrameBytes.UInt16(frame, transport, ref beyondFrame, out ushort source))
            {
                return false;
            }
            if (source == port || direction == FilterDirection.Source)
            {
                return source == port;
            }
        }
        return FrameBytes.UInt16(frame, transport + 2, ref beyondFrame, out ushort destination) && destination == port;
    }
}
