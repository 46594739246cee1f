// What an ACL needs to know about one frame, produced by PacketClassifier. A plain value (not a ref
// struct) so it can be stored with the frame's metadata and matched against rules later.
namespace Hairpin.Bridge.Core.Headers;

/// <summary>
/// The match fields of one frame. Fields a frame does not have are zero: check <see cref="IpVersion"/>
/// before the IP fields, <see cref="HasTransportHeader"/> before ports, flags and ICMP type/code, and
/// <see cref="EtherType"/> before the ARP fields. When the classifier reports a failure, the fields read
/// before the failing header are kept and the rest are zero.
/// </summary>
public readonly record struct PacketSummary
{
    /// <summary>EtherType after the VLAN tags; values below 0x0600 are 802.3 length fields (LLC frames).</summary>
    public ushort EtherType { get; init; }
    /// <summary>VLAN tags read (0, 1 or 2).</summary>
    public byte TagCount { get; init; }
    /// <summary>VID of the outermost tag, 0 when untagged.</summary>
    public ushort Vid { get; init; }
    /// <summary>PCP of the outermost tag, 0 when untagged.</summary>
    public byte Pcp { get; init; }

    /// <summary>0 (not IP), 4 or 6.</summary>
    public byte IpVersion { get; init; }
    /// <summary>IPv4 protocol, or the IPv6 Next Header after the extension headers.</summary>
    public byte IpProtocol { get; init; }
    public byte Dscp { get; init; }
    /// <summary>IPv4 source, host order; 0 unless <see cref="IpVersion"/> is 4.</summary>
    public uint SourceIpv4 { get; init; }
    public uint DestinationIpv4 { get; init; }
    /// <summary>IPv6 source as a big-endian number; 0 unless <see cref="IpVersion"/> is 6.</summary>
    public UInt128 SourceIpv6 { get; init; }
    public UInt128 DestinationIpv6 { get; init; }
    public bool IsFragment { get; init; }
    public bool IsFirstFragment { get; init; }

    /// <summary>A TCP, UDP or ICMP header was read (never for non-first fragments).</summary>
    public bool HasTransportHeader { get; init; }
    /// <summary>TCP or UDP source port, 0 otherwise.</summary>
    public ushort SourcePort { get; init; }
    public ushort DestinationPort { get; init; }
    /// <summary>TCP flags byte (see the TcpFlags constants), 0 when not TCP.</summary>
    public byte TcpFlags { get; init; }
    /// <summary>ICMP or ICMPv6 type, meaningful only when <see cref="HasTransportHeader"/> (echo reply is 0).</summary>
    public byte IcmpType { get; init; }
    public byte IcmpCode { get; init; }

    /// <summary>ARP operation (1 request, 2 reply), 0 when not ARP.</summary>
    public ushort ArpOperation { get; init; }
    /// <summary>ARP sender protocol address, host order.</summary>
    public uint ArpSenderIp { get; init; }
    public uint ArpTargetIp { get; init; }
}
