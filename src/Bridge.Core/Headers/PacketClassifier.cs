// Turns a raw frame into the PacketSummary an ACL matches on, by chaining the header readers. One pass,
// no allocation, never throws: any malformation ends the walk with a HeaderCheck.
namespace Hairpin.Bridge.Core.Headers;

public static class PacketClassifier
{
    /// <summary>
    /// Reads the link, network and transport headers of <paramref name="frame"/>.
    /// Returns <see cref="HeaderCheck.MalformedLink"/> when the Ethernet header (or a VLAN tag) is
    /// unreadable, otherwise the first failing reader's check, or Ok. Non-IP, non-ARP frames and
    /// non-first fragments are Ok with only the fields they have.
    /// </summary>
    public static HeaderCheck Classify(ReadOnlySpan<byte> frame, out PacketSummary summary)
    {
        var ethernet = new EthernetReader(frame);
        if (!ethernet.IsValid)
        {
            summary = default;
            return HeaderCheck.MalformedLink;
        }
        summary = new PacketSummary
        {
            EtherType = ethernet.EtherTypeOrLength,
            TagCount = (byte)ethernet.TagCount,
            Vid = ethernet.OuterVid,
            Pcp = ethernet.OuterPcp,
        };
        return ethernet.EtherTypeOrLength switch
        {
            EtherTypes.IPv4 => ClassifyIpv4(ethernet.Payload, ref summary),
            EtherTypes.IPv6 => ClassifyIpv6(ethernet.Payload, ref summary),
            EtherTypes.Arp => ClassifyArp(ethernet.Payload, ref summary),
            _ => HeaderCheck.Ok,
        };
    }

    private static HeaderCheck ClassifyArp(ReadOnlySpan<byte> packet, ref PacketSummary summary)
    {
        var arp = new ArpReader(packet);
        if (!arp.IsValid)
        {
            return arp.Check;
        }
        summary = summary with
        {
            ArpOperation = arp.Operation,
            ArpSenderIp = arp.SenderIp,
            ArpTargetIp = arp.TargetIp,
        };
        return HeaderCheck.Ok;
    }

    private static HeaderCheck ClassifyIpv4(ReadOnlySpan<byte> packet, ref PacketSummary summary)
    {
        var ip = new Ipv4Reader(packet);
        if (!ip.IsValid)
        {
            return ip.Check;
        }
        summary = summary with
        {
            IpVersion = 4,
            IpProtocol = ip.Protocol,
            Dscp = ip.Dscp,
            SourceIpv4 = ip.Source,
            DestinationIpv4 = ip.Destination,
            IsFragment = ip.IsFragment,
            IsFirstFragment = ip.IsFirstFragment,
        };
        return ip.HasTransportHeader
            ? ClassifyTransport(ip.Protocol, IcmpReader.Icmpv4Protocol, ip.Payload, ref summary)
            : HeaderCheck.Ok;
    }

    private static HeaderCheck ClassifyIpv6(ReadOnlySpan<byte> packet, ref PacketSummary summary)
    {
        var ip = new Ipv6Reader(packet);
        if (!ip.IsValid)
        {
            return ip.Check;
        }
        summary = summary with
        {
            IpVersion = 6,
            IpProtocol = ip.NextHeader,
            Dscp = ip.Dscp,
            SourceIpv6 = ip.SourceAddress,
            DestinationIpv6 = ip.DestinationAddress,
            IsFragment = ip.IsFragment,
            IsFirstFragment = ip.IsFirstFragment,
        };
        return ip.HasTransportHeader
            ? ClassifyTransport(ip.NextHeader, IcmpReader.Icmpv6Protocol, ip.UpperLayer, ref summary)
            : HeaderCheck.Ok;
    }

    // icmpProtocol says which number means ICMP here: 1 under IPv4, 58 under IPv6 (1 in IPv6 is not ICMP).
    private static HeaderCheck ClassifyTransport(byte protocol, byte icmpProtocol, ReadOnlySpan<byte> segment, ref PacketSummary summary)
    {
        if (protocol == TcpReader.IpProtocol)
        {
            var tcp = new TcpReader(segment);
            if (!tcp.IsValid)
            {
                return tcp.Check;
            }
            summary = summary with
            {
                HasTransportHeader = true,
                SourcePort = tcp.SourcePort,
                DestinationPort = tcp.DestinationPort,
                TcpFlags = tcp.Flags,
            };
        }
        else if (protocol == UdpReader.IpProtocol)
        {
            var udp = new UdpReader(segment, summary.IsFirstFragment);
            if (!udp.IsValid)
            {
                return udp.Check;
            }
            summary = summary with
            {
                HasTransportHeader = true,
                SourcePort = udp.SourcePort,
                DestinationPort = udp.DestinationPort,
            };
        }
        else if (protocol == icmpProtocol)
        {
            var icmp = new IcmpReader(segment);
            if (!icmp.IsValid)
            {
                return icmp.Check;
            }
            summary = summary with
            {
                HasTransportHeader = true,
                IcmpType = icmp.Type,
                IcmpCode = icmp.Code,
            };
        }
        return HeaderCheck.Ok;
    }
}
