// Where each matchable field lives in a FlowKey (word, shift, width), and the one place that reads
// a frame into a key. Matching code and key building both go through these, so they cannot disagree.
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Acl;

internal readonly record struct FlowField(int Word, int Shift, int Width)
{
    public ulong Mask => (Width == 64 ? ulong.MaxValue : (1UL << Width) - 1) << Shift;

    public void Set(ref FlowKey key, ulong value) =>
        key.Words[Word] = (key.Words[Word] & ~Mask) | ((value << Shift) & Mask);

    public ulong Get(in FlowKey key) => (key.Words[Word] & Mask) >> Shift;
}

internal static class FlowFields
{
    public static readonly FlowField DestinationMac = new(0, 16, 48);
    public static readonly FlowField EtherType = new(0, 0, 16);
    public static readonly FlowField SourceMac = new(1, 16, 48);
    public static readonly FlowField Vid = new(1, 4, 12);
    public static readonly FlowField Pcp = new(1, 1, 3);
    public const int SourceIpWord = 2;        // and 3
    public const int DestinationIpWord = 4;   // and 5
    public static readonly FlowField IpProtocol = new(6, 56, 8);
    public static readonly FlowField Dscp = new(6, 50, 6);
    public static readonly FlowField TcpFlags = new(6, 42, 8);
    public static readonly FlowField IcmpType = new(6, 34, 8);
    public static readonly FlowField IcmpCode = new(6, 26, 8);
    public static readonly FlowField ArpOpcode = new(6, 10, 16);
    public static readonly FlowField IngressPort = new(6, 0, 8);
    public static readonly FlowField SourcePort = new(7, 16, 16);
    public static readonly FlowField DestinationPort = new(7, 0, 16);

    /// <summary>An IPv4 address as IPv4-mapped IPv6 (::ffff:a.b.c.d).</summary>
    public static UInt128 MapIpv4(uint address) => new(0, 0x0000_FFFF_0000_0000UL | address);

    public static void SetAddress(ref FlowKey key, int word, UInt128 address)
    {
        key.Words[word] = (ulong)(address >> 64);
        key.Words[word + 1] = (ulong)address;
    }

    /// <summary>Fills a key from a classified frame. Fields the frame lacks stay zero.</summary>
    public static FlowKey From(in PacketSummary packet, MacAddress source, MacAddress destination, int vid, int ingressPort)
    {
        var key = default(FlowKey);
        DestinationMac.Set(ref key, destination.Value);
        EtherType.Set(ref key, packet.EtherType);
        SourceMac.Set(ref key, source.Value);
        Vid.Set(ref key, (ulong)vid);
        Pcp.Set(ref key, packet.Pcp);
        if (packet.IpVersion == 4)
        {
            SetAddress(ref key, SourceIpWord, MapIpv4(packet.SourceIpv4));
            SetAddress(ref key, DestinationIpWord, MapIpv4(packet.DestinationIpv4));
        }
        else if (packet.IpVersion == 6)
        {
            SetAddress(ref key, SourceIpWord, packet.SourceIpv6);
            SetAddress(ref key, DestinationIpWord, packet.DestinationIpv6);
        }
        else if (packet.ArpOperation != 0)
        {
            SetAddress(ref key, SourceIpWord, MapIpv4(packet.ArpSenderIp));
            SetAddress(ref key, DestinationIpWord, MapIpv4(packet.ArpTargetIp));
            ArpOpcode.Set(ref key, packet.ArpOperation);
        }
        IpProtocol.Set(ref key, packet.IpProtocol);
        Dscp.Set(ref key, packet.Dscp);
        TcpFlags.Set(ref key, packet.TcpFlags);
        IcmpType.Set(ref key, packet.IcmpType);
        IcmpCode.Set(ref key, packet.IcmpCode);
        IngressPort.Set(ref key, (ulong)ingressPort);
        SourcePort.Set(ref key, packet.SourcePort);
        DestinationPort.Set(ref key, packet.DestinationPort);
        return key;
    }
}
