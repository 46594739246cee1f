// The demo's frames, built with the same FrameBuilder the tests use. FrameBuilder has an ARP request
// but no reply, so the reply's 28-byte ARP body is written here (RFC 826, Ethernet/IPv4).
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Host.Demo;

internal static class DemoFrames
{
    public const ushort UdpPort = 5000;

    /// <summary>Broadcast "who has <paramref name="target"/>'s IP, tell <paramref name="sender"/>".</summary>
    public static byte[] ArpRequest(DemoHost sender, DemoHost target) =>
        new FrameBuilder().From(sender.Mac).To(MacAddress.Broadcast).ArpRequest(sender.Ip, target.Ip).Build();

    /// <summary>Unicast "<paramref name="sender"/>'s IP is at its MAC", to <paramref name="target"/>.</summary>
    public static byte[] ArpReply(DemoHost sender, DemoHost target)
    {
        var arp = new byte[ArpReader.Size];
        BinaryPrimitives.WriteUInt16BigEndian(arp, 1);                       // hardware: Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(2), EtherTypes.IPv4);
        arp[4] = MacAddress.Size;
        arp[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(arp.AsSpan(6), ArpReader.OperationReply);
        sender.Mac.Write(arp.AsSpan(8));
        BinaryPrimitives.WriteUInt32BigEndian(arp.AsSpan(14), sender.Ip);
        target.Mac.Write(arp.AsSpan(18));
        BinaryPrimitives.WriteUInt32BigEndian(arp.AsSpan(24), target.Ip);
        return new FrameBuilder().From(sender.Mac).To(target.Mac).EtherType(EtherTypes.Arp).Payload(arp).Build();
    }

    public static byte[] Udp(DemoHost source, DemoHost destination) => Udp(source.Mac, destination.Mac, source.Ip, destination.Ip);

    /// <summary>A datagram for <paramref name="destination"/>'s IP in a frame to another MAC (broadcast, multicast): it still reaches its IP stack.</summary>
    public static byte[] UdpVia(DemoHost source, MacAddress frameDestination, DemoHost destination) =>
        Udp(source.Mac, frameDestination, source.Ip, destination.Ip);

    /// <summary>A datagram from <paramref name="source"/>'s IP under a source MAC it does not own.</summary>
    public static byte[] UdpForged(MacAddress forgedSource, DemoHost source, DemoHost destination) =>
        Udp(forgedSource, destination.Mac, source.Ip, destination.Ip);

    /// <summary>
    /// <paramref name="frame"/> with an 802.1Q tag of <paramref name="vid"/> after its MACs, as the dumb
    /// vswitch sends a VM's frame up the uplink once the bridge gave the VM's VSI a VLAN.
    /// </summary>
    public static byte[] Tagged(byte[] frame, int vid)
    {
        ArgumentNullException.ThrowIfNull(frame);
        const int macs = 2 * MacAddress.Size;
        var tagged = new byte[frame.Length + EthernetReader.TagSize];
        frame.AsSpan(0, macs).CopyTo(tagged);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(macs), EtherTypes.CustomerVlan);
        BinaryPrimitives.WriteUInt16BigEndian(tagged.AsSpan(macs + 2), (ushort)vid);
        frame.AsSpan(macs).CopyTo(tagged.AsSpan(macs + EthernetReader.TagSize));
        return tagged;
    }

    private static byte[] Udp(MacAddress sourceMac, MacAddress destinationMac, uint sourceIp, uint destinationIp) =>
        new FrameBuilder().From(sourceMac).To(destinationMac).Ipv4Udp(sourceIp, destinationIp, UdpPort, UdpPort).Build();
}
