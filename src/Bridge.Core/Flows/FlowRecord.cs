// One finished flow as the cache hands it to the exporter: what identifies it, what it carried, when,
// and what the bridge did with it. A plain value, copied into the record ring's pre-allocated slots.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Flows;

/// <summary>
/// A flow: frames that arrived on one port with the same MACs, EtherType, VLAN, IP addresses, IP protocol
/// and transport ports (ICMP type and code in place of ports) and met the same fate (forwarded, trapped,
/// or dropped for one reason). <see cref="FirstTimestamp"/> and <see cref="LastTimestamp"/> are in
/// the engine's TimeProvider ticks; the exporter turns them into wall-clock time.
/// </summary>
public readonly record struct FlowRecord
{
    public MacAddress SourceMac { get; init; }
    public MacAddress DestinationMac { get; init; }
    public ushort EtherType { get; init; }
    /// <summary>The VLAN the bridge classified the frames to (the tag's, or 0 when dropped before classification and untagged).</summary>
    public ushort Vid { get; init; }
    public int IngressPort { get; init; }
    /// <summary>Ports a copy was queued on, over all the flow's frames (bit per port); 0 when none was.</summary>
    public ulong EgressPorts { get; init; }
    /// <summary>0 (not IP), 4 or 6.</summary>
    public byte IpVersion { get; init; }
    /// <summary>The addresses as 128-bit numbers: IPv4 in the low 32 bits.</summary>
    public UInt128 SourceIp { get; init; }
    public UInt128 DestinationIp { get; init; }
    public byte IpProtocol { get; init; }
    public ushort SourcePort { get; init; }
    /// <summary>The transport destination port; for ICMP and ICMPv6, type × 256 + code (as NetFlow collectors expect).</summary>
    public ushort DestinationPort { get; init; }
    /// <summary>Every TCP flag seen in the flow, OR-ed.</summary>
    public byte TcpFlags { get; init; }
    public long Packets { get; init; }
    /// <summary>IP bytes (header and payload, as IPFIX's octetDeltaCount); for non-IP frames, what follows the Ethernet header and tags.</summary>
    public long Bytes { get; init; }
    /// <summary>Frame bytes as received (Ethernet header and tags, no FCS), as IPFIX's layer2OctetDeltaCount.</summary>
    public long Layer2Bytes { get; init; }
    public long FirstTimestamp { get; init; }
    public long LastTimestamp { get; init; }
    public DispositionKind Fate { get; init; }
    /// <summary>Why the flow's frames went nowhere; meaningful only when <see cref="Fate"/> is Dropped.</summary>
    public DropReason DropReason { get; init; }
    /// <summary>The VSIID of the 802.1Qbg VSI that sent the flow on its port, or null.</summary>
    public string? Vsi { get; init; }
    public FlowEndReason EndReason { get; init; }
}
