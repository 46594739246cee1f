// Describes a frame from its bytes, tcpdump-style: "vm-a > broadcast", "ARP request who-has 169.254.0.11",
// "UDP 169.254.0.10:5000 > 169.254.0.11:5000". MACs of known hosts are shown by name, as with /etc/ethers.
using System.Globalization;
using Hairpin.Bridge.Core.Headers;

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
