// Ipv6Reader: the fixed header, the bounded extension-header walk, and fragments.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;
using Xunit;
using static Hairpin.Bridge.Core.Tests.Headers.TestPackets;

namespace Hairpin.Bridge.Core.Tests.Headers;

public class Ipv6ReaderTests
{
    [Fact]
    public void Ipv6ReaderReadsFixedHeaderFields()
    {
        var packet = Ipv6(IcmpReader.Icmpv6Protocol, Icmp(135, 0, 28), destination: SolicitedNodeB,
            trafficClass: 0xB9, flowLabel: 0xABCDE, hopLimit: 255);

        var ip = new Ipv6Reader(packet);

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.Equal(0xB9, ip.TrafficClass);
        Assert.Equal(46, ip.Dscp);
        Assert.Equal(1, ip.Ecn);
        Assert.Equal(0xABCDEu, ip.FlowLabel);
        Assert.Equal(32, ip.PayloadLength);
        Assert.Equal(255, ip.HopLimit);
        Assert.Equal(Ip6A, ip.SourceAddress);
        Assert.Equal(SolicitedNodeB, ip.DestinationAddress);
        Assert.Equal(packet.AsSpan(8, 16).ToArray(), ip.Source.ToArray());
        Assert.Equal(0xFF, ip.Destination[0]);
        Assert.Equal(0x0B, ip.Destination[15]);
        Assert.Equal(IcmpReader.Icmpv6Protocol, ip.NextHeader);
        Assert.Equal(40, ip.UpperLayerOffset);
        Assert.Equal(0, ip.ExtensionHeaderCount);
        Assert.Equal(32, ip.UpperLayer.Length);
        Assert.True(ip.HasTransportHeader);
        Assert.False(ip.IsFragment);
    }

    [Fact]
    public void Ipv6ReaderSkipsHopByHopRoutingAndDestinationOptionsToReachUdp()
    {
        var udp = Udp(40000, 4789, 20);
        var packet = Ipv6(HopByHop, Concat(
            ExtensionHeader(Routing, 8), ExtensionHeader(DestinationOptions, 24), ExtensionHeader(UdpReader.IpProtocol, 16), udp));

        var ip = new Ipv6Reader(packet);

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.Equal(UdpReader.IpProtocol, ip.NextHeader);
        Assert.Equal(40 + 8 + 24 + 16, ip.UpperLayerOffset);
        Assert.Equal(3, ip.ExtensionHeaderCount);
        Assert.Equal(udp, ip.UpperLayer.ToArray());
    }

    [Fact]
    public void Ipv6ReaderSizesAuthenticationHeaderInFourByteUnits()
    {
        var packet = Ipv6(AuthenticationHeader, Concat(AuthenticationHeaderOf(TcpReader.IpProtocol, 20), Tcp(1, 2, TcpFlags.Ack)));

        var ip = new Ipv6Reader(packet);

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.Equal(TcpReader.IpProtocol, ip.NextHeader);
        Assert.Equal(60, ip.UpperLayerOffset);
    }

    [Theory]
    [InlineData(Mobility)]
    [InlineData(50)]   // ESP: encrypted, nothing further to read
    public void Ipv6ReaderTreatsHeadersItDoesNotWalkAsTheUpperLayer(byte nextHeader)
    {
        var ip = new Ipv6Reader(Ipv6(DestinationOptions, Concat(ExtensionHeader(nextHeader, 8), Pattern(24))));

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.Equal(nextHeader, ip.NextHeader);
        Assert.Equal(48, ip.UpperLayerOffset);
    }

    [Fact]
    public void Ipv6ReaderStopsAtNoNextHeader()
    {
        var ip = new Ipv6Reader(Ipv6(HopByHop, Concat(ExtensionHeader(NoNextHeader, 8), Pattern(8))));

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.Equal(NoNextHeader, ip.NextHeader);
        Assert.Equal(48, ip.UpperLayerOffset);
        Assert.False(ip.HasTransportHeader);
    }

    [Fact]
    public void Ipv6ReaderWalksPastFirstFragmentHeaderToTheUpperLayer()
    {
        var packet = Ipv6(Fragment, Concat(FragmentHeader(DestinationOptions, 0, more: true), ExtensionHeader(UdpReader.IpProtocol, 8), Udp(1, 2, 8)));

        var ip = new Ipv6Reader(packet);

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.True(ip.HasFragmentHeader);
        Assert.True(ip.IsFragment);
        Assert.True(ip.IsFirstFragment);
        Assert.Equal(UdpReader.IpProtocol, ip.NextHeader);
        Assert.Equal(56, ip.UpperLayerOffset);
        Assert.True(ip.HasTransportHeader);
    }

    [Fact]
    public void Ipv6ReaderDoesNotReadLaterFragmentDataAsHeaders()
    {
        // The data after a non-first fragment header looks like a Hop-by-Hop header claiming 2 KB.
        var data = Concat(ExtensionHeader(HopByHop, 8), Pattern(16));
        data[1] = 0xFF;
        var ip = new Ipv6Reader(Ipv6(Fragment, Concat(FragmentHeader(DestinationOptions, 100, more: true), data)));

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.True(ip.IsFragment);
        Assert.False(ip.IsFirstFragment);
        Assert.Equal(100, ip.FragmentOffset);
        Assert.Equal(DestinationOptions, ip.NextHeader);
        Assert.Equal(48, ip.UpperLayerOffset);
        Assert.Equal(1, ip.ExtensionHeaderCount);
        Assert.False(ip.HasTransportHeader);
    }

    [Fact]
    public void Ipv6ReaderTreatsAtomicFragmentAsWholePacket()
    {
        var ip = new Ipv6Reader(Ipv6(Fragment, Concat(FragmentHeader(UdpReader.IpProtocol, 0, more: false), Udp(1, 2, 0))));

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.True(ip.HasFragmentHeader);
        Assert.False(ip.IsFragment);
        Assert.True(ip.HasTransportHeader);
    }

    [Fact]
    public void Ipv6ReaderAcceptsEightExtensionHeaders()
    {
        var ip = new Ipv6Reader(ChainOfDestinationOptions(8));

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.Equal(8, ip.ExtensionHeaderCount);
        Assert.Equal(UdpReader.IpProtocol, ip.NextHeader);
        Assert.Equal(40 + 64, ip.UpperLayerOffset);
    }

    [Fact]
    public void Ipv6ReaderRejectsNineExtensionHeaders()
    {
        var ip = new Ipv6Reader(ChainOfDestinationOptions(9));

        Assert.Equal(HeaderCheck.TooManyExtensionHeaders, ip.Check);
        Assert.Equal(0, ip.NextHeader);
        Assert.True(ip.Source.IsEmpty);
    }

    [Fact]
    public void Ipv6ReaderReportsTruncatedWhenExtensionHeaderRunsPastThePayload()
    {
        // Payload length says 16 bytes, but the Routing header claims 24; the bytes after the payload
        // are Ethernet padding and must not count.
        var packet = Concat(Ipv6(Routing, ExtensionHeader(TcpReader.IpProtocol, 24)[..16]), new byte[16]);

        Assert.Equal(HeaderCheck.Truncated, new Ipv6Reader(packet).Check);
    }

    [Fact]
    public void Ipv6ReaderReportsTruncatedWhenPayloadEndsInsideAnExtensionHeader()
    {
        var packet = Ipv6(HopByHop, new byte[4]);

        Assert.Equal(HeaderCheck.Truncated, new Ipv6Reader(packet).Check);
    }

    [Fact]
    public void Ipv6ReaderRejectsPayloadLengthLargerThanThePacket()
    {
        var packet = Ipv6(UdpReader.IpProtocol, Udp(1, 2, 8));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), 17);

        Assert.Equal(HeaderCheck.BadTotalLength, new Ipv6Reader(packet).Check);
    }

    [Fact]
    public void Ipv6ReaderExcludesTrailingEthernetPaddingFromUpperLayer()
    {
        var ip = new Ipv6Reader(Concat(Ipv6(UdpReader.IpProtocol, Udp(1, 2, 2)), new byte[8]));

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.Equal(10, ip.UpperLayer.Length);
    }

    [Fact]
    public void Ipv6ReaderRejectsVersionOtherThanSix()
    {
        Assert.Equal(HeaderCheck.BadVersion, new Ipv6Reader(Ipv4(UdpReader.IpProtocol, Udp(1, 2, 20))).Check);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(39)]
    public void Ipv6ReaderReportsTruncatedBelowFortyBytes(int length)
    {
        var packet = Ipv6(NoNextHeader, []);

        Assert.Equal(HeaderCheck.Truncated, new Ipv6Reader(packet.AsSpan(0, length)).Check);
    }

    private static byte[] ChainOfDestinationOptions(int count)
    {
        var headers = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            headers[i] = ExtensionHeader(i == count - 1 ? UdpReader.IpProtocol : DestinationOptions, 8);
        }
        return Ipv6(DestinationOptions, Concat(Concat(headers), Udp(1, 2, 0)));
    }
}
