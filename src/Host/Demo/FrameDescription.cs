// Describes a frame from its bytes, tcpdump-style: "vm-a > broadcast", "ARP request who-has 169.254.0.11",
// "UDP 169.254.0.10:5000 > 169.254.0.11:5000", and the 802.1Qbg control frames ("LLDP EVB ...", "ECP
// request 1: VDP Associate ...", "MVRP LeaveAll, JoinIn 10"). MACs of known hosts are shown by name, as with /etc/ethers.
using System.Buffers.Binary;
using System.Globalization;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mrp;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Ecp;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Management;
using Hairpin.Host.Qbg;

namespace Hairpin.Host.Demo;

internal static class FrameDescription
{
    private const byte UdpProtocol = 17;
    private const byte TcpProtocol = 6;

    public static string Addresses(ReadOnlySpan<byte> frame, IReadOnlyList<DemoHost> hosts)
    {
        var ethernet = new EthernetReader(frame);
        if (!ethernet.IsValid)
        {
            return "(malformed)";
        }
        return $"{NameOf(ethernet.Source, hosts)} > {NameOf(ethernet.Destination, hosts)}";
    }

    public static string Type(ReadOnlySpan<byte> frame, IReadOnlyList<DemoHost> hosts)
    {
        if (PacketClassifier.Classify(frame, out PacketSummary summary) != HeaderCheck.Ok)
        {
            return "(malformed)";
        }
        if (summary.EtherType == EtherTypes.Arp)
        {
            return summary.ArpOperation switch
            {
                ArpReader.OperationRequest => $"ARP request who-has {DemoHost.FormatIpv4(summary.ArpTargetIp)}",
                ArpReader.OperationReply => $"ARP reply {DemoHost.FormatIpv4(summary.ArpSenderIp)} is-at {NameOf(ArpSenderMac(frame), hosts)}",
                _ => string.Create(CultureInfo.InvariantCulture, $"ARP op {summary.ArpOperation}"),
            };
        }
        if (summary.IpVersion == 4)
        {
            string source = DemoHost.FormatIpv4(summary.SourceIpv4);
            string destination = DemoHost.FormatIpv4(summary.DestinationIpv4);
            string protocol = summary.IpProtocol switch
            {
                UdpProtocol => "UDP",
                TcpProtocol => "TCP",
                _ => string.Create(CultureInfo.InvariantCulture, $"IPv4 proto {summary.IpProtocol}"),
            };
            return summary.HasTransportHeader && summary.IpProtocol is UdpProtocol or TcpProtocol
                ? string.Create(CultureInfo.InvariantCulture, $"{protocol} {source}:{summary.SourcePort} > {destination}:{summary.DestinationPort}")
                : $"{protocol} {source} > {destination}";
        }
        return string.Create(CultureInfo.InvariantCulture, $"ethertype 0x{summary.EtherType:x4}");
    }

    /// <summary>The VID of the frame's (outer) 802.1Q tag; 0 for an untagged frame.</summary>
    public static int Vid(ReadOnlySpan<byte> frame) =>
        PacketClassifier.Classify(frame, out PacketSummary summary) == HeaderCheck.Ok && summary.TagCount > 0 ? summary.Vid : 0;

    /// <summary>"10" for a frame tagged with VID 10, "-" for an untagged one.</summary>
    public static string Vlan(ReadOnlySpan<byte> frame) =>
        Vid(frame) is int vid and > 0 ? vid.ToString(CultureInfo.InvariantCulture) : "-";

    /// <summary>
    /// An 802.1Qbg control frame as it would be read off the wire: LLDP with its EVB TLV in lldptool's
    /// words, ECP's operation and sequence number, and the VDP TLVs a request carries.
    /// </summary>
    /// <param name="held">
    /// VSIs the bridge's answers so far accepted, kept across calls over one exchange: a station's
    /// Associate for one of them is marked a keep-alive. Null: no such memory.
    /// </param>
    public static string Control(ReadOnlySpan<byte> frame, IReadOnlyList<DemoHost> hosts, HashSet<VsiId>? held = null)
    {
        if (frame.Length >= EthernetReader.HeaderSize && BinaryPrimitives.ReadUInt16BigEndian(frame[(2 * MacAddress.Size)..]) == MvrpPdu.EtherType)
        {
            return Mvrp(frame);
        }
        if (!ControlFrame.TryRead(frame, out _, out ushort etherType, out ReadOnlySpan<byte> payload))
        {
            return Type(frame, hosts);
        }
        if (etherType == EtherTypes.Lldp)
        {
            if (!LldpCodec.TryDecode(payload, out LldpPdu? pdu, out string reason))
            {
                return $"LLDP (malformed: {reason})";
            }
            if (pdu.TtlSeconds == 0)
            {
                return "LLDP shutdown (TTL 0)";
            }
            if (pdu.Evb is not EvbTlv evb)
            {
                return string.Create(CultureInfo.InvariantCulture, $"LLDP ttl {pdu.TtlSeconds}, no EVB TLV");
            }
            EvbTlvInfo words = EvbDescriptions.Tlv(evb);
            return string.Create(CultureInfo.InvariantCulture, $"LLDP ttl {pdu.TtlSeconds}, EVB {words.Bridge} {words.Station}");
        }
        if (etherType != EtherTypes.Ecp)
        {
            return string.Create(CultureInfo.InvariantCulture, $"ethertype 0x{etherType:x4}");
        }
        var ecp = new EcpReader(payload);
        if (!ecp.IsValid)
        {
            return $"ECP (malformed: {ecp.Check})";
        }
        string header = string.Create(CultureInfo.InvariantCulture,
            $"ECP {(ecp.Header.Operation == EcpOperation.Ack ? "ack" : "request")} {ecp.Header.Sequence}");
        if (ecp.Header.Operation == EcpOperation.Ack)
        {
            return header;
        }
        if (ecp.Header.Subtype != EcpSubtype.Vdp)
        {
            return $"{header}: subtype {ecp.Header.Subtype}";
        }
        if (!VdpCodec.TryParse(ecp.Body, out VdpMessage message, out VdpParseFailure failure))
        {
            return $"{header}: VDP (malformed: {failure})";
        }
        return $"{header}: VDP manager {message.ManagerId?.ToString() ?? "(none)"}, {string.Join("; ", message.Vsis.Select(vsi => Vsi(vsi, hosts, held)))}";
    }

    /// <summary>"MVRP JoinIn 10", "MVRP LeaveAll, JoinMt 10": the LeaveAll flag, then each VID's event in the PDU's order (802.1Q 10.8.2.8's names).</summary>
    private static string Mvrp(ReadOnlySpan<byte> frame)
    {
        var message = new MvrpMessage();
        MvrpError error = MvrpPdu.Decode(frame, message);
        if (error != MvrpError.None)
        {
            return $"MVRP (malformed: {Bridge.Core.Counters.KebabNames.Of(error)})";
        }
        IEnumerable<string> parts = message.Events.Select(vid => string.Create(CultureInfo.InvariantCulture, $"{vid.Event} {vid.Vid}"));
        if (message.LeaveAll)
        {
            parts = parts.Prepend("LeaveAll");
        }
        string text = string.Join(", ", parts);
        return text.Length == 0 ? "MVRP (nothing to say)" : $"MVRP {text}";
    }

    /// <summary>"Associate 42/1 vm-a@0" as asked; "Associate 42/1 vm-a@10 accepted" or "... refused: other failure" as answered.</summary>
    private static string Vsi(VsiTlv vsi, IReadOnlyList<DemoHost> hosts, HashSet<VsiId>? held)
    {
        string filters = string.Join(",", vsi.Filters.Select(filter => string.Create(CultureInfo.InvariantCulture,
            $"{(filter.Mac is MacAddress mac ? NameOf(mac, hosts) : "vid")}@{filter.Vid}")));
        string text = string.Create(CultureInfo.InvariantCulture, $"{vsi.Type} {vsi.TypeId}/{vsi.TypeVersion} {filters}");
        bool associate = vsi.Type == VdpRequest.Associate;
        if (!vsi.Status.IsResponse)
        {
            if (vsi.Type == VdpRequest.DeAssociate && held?.Remove(vsi.VsiId) == true)
            {
                return text;   // either end letting it go: the next Associate is new, not a keep-alive
            }
            return associate && held?.Contains(vsi.VsiId) == true ? $"{text} (keep-alive)" : text;
        }
        if (vsi.Status.IsRefusal || !associate)
        {
            held?.Remove(vsi.VsiId);
        }
        else
        {
            held?.Add(vsi.VsiId);
        }
        return vsi.Status.IsRefusal ? $"{text} refused: {VdpStatus.Describe(vsi.Status.Error)}" : $"{text} accepted";
    }

    public static string NameOf(MacAddress mac, IReadOnlyList<DemoHost> hosts)
    {
        if (mac.IsBroadcast)
        {
            return "broadcast";
        }
        DemoHost? host = hosts.FirstOrDefault(candidate => candidate.Mac == mac);
        return host?.Name ?? mac.ToString();
    }

    private static MacAddress ArpSenderMac(ReadOnlySpan<byte> frame)
    {
        var ethernet = new EthernetReader(frame);
        return new ArpReader(ethernet.Payload).SenderMac;
    }
}
