// Ipv4Reader: header fields, length checks, fragment flags, and the Ethernet padding cut off Payload.
using Hairpin.Bridge.Core.Headers;
using Xunit;
using static Hairpin.Bridge.Core.Tests.Headers.TestPackets;

namespace Hairpin.Bridge.Core.Tests.Headers;

public class Ipv4ReaderTests
{
    [Fact]
    public void Ipv4ReaderReadsHeaderFieldsOfTcpSyn()
    {
        var tcp = Tcp(49152, 443, TcpFlags.Syn);
        var packet = Ipv4(TcpReader.IpProtocol, tcp, dscp: 46, fragmentField: DontFragment);
        packet[1] |= 0x02;   // ECT(0)

        var ip = new Ipv4Reader(packet);

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.Equal(20, ip.HeaderLength);
        Assert.Equal(40, ip.TotalLength);
        Assert.Equal(46, ip.Dscp);
        Assert.Equal(2, ip.Ecn);
        Assert.Equal(0x1234, ip.Identification);
        Assert.True(ip.DontFragment);
        Assert.False(ip.IsFragment);
        Assert.False(ip.IsFirstFragment);
        Assert.True(ip.HasTransportHeader);
        Assert.Equal(64, ip.TimeToLive);
        Assert.Equal(TcpReader.IpProtocol, ip.Protocol);
        Assert.Equal(IpA, ip.Source);
        Assert.Equal(IpB, ip.Destination);
        Assert.True(ip.Options.IsEmpty);
        Assert.Equal(tcp, ip.Payload.ToArray());
    }

    [Fact]
    public void Ipv4ReaderReadsOptionsWithinIhl()
    {
        var ip = new Ipv4Reader(Ipv4(UdpReader.IpProtocol, Udp(1, 2, 0), optionWords: 2));

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.Equal(28, ip.HeaderLength);
        Assert.Equal(8, ip.Options.Length);
        Assert.Equal(8, ip.Payload.Length);
    }

    [Fact]
    public void Ipv4ReaderExcludesTrailingEthernetPaddingFromPayload()
    {
        var packet = Ipv4(IcmpReader.Icmpv4Protocol, Icmp(8, 0, 4));
        var padded = Concat(packet, new byte[18]);

        var ip = new Ipv4Reader(padded);

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.Equal(packet.Length, ip.TotalLength);
        Assert.Equal(8, ip.Payload.Length);
    }

    [Fact]
    public void Ipv4ReaderRejectsVersionOtherThanFour()
    {
        var packet = Ipv4(UdpReader.IpProtocol, Udp(1, 2, 0));
        packet[0] = 0x65;

        Assert.Equal(HeaderCheck.BadVersion, new Ipv4Reader(packet).Check);
        Assert.Equal(HeaderCheck.BadVersion, new Ipv4Reader(Ipv6(NoNextHeader, [])).Check);
        Assert.Equal(HeaderCheck.BadVersion, new Ipv4Reader(packet.AsSpan(0, 1)).Check);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    public void Ipv4ReaderReportsTruncatedBelowTwentyBytes(int length)
    {
        var packet = Ipv4(UdpReader.IpProtocol, Udp(1, 2, 0));

        Assert.Equal(HeaderCheck.Truncated, new Ipv4Reader(packet.AsSpan(0, length)).Check);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Ipv4ReaderRejectsIhlBelowFive(int ihl)
    {
        var packet = Ipv4(UdpReader.IpProtocol, Udp(1, 2, 0));
        packet[0] = (byte)(0x40 | ihl);

        var ip = new Ipv4Reader(packet);

        Assert.Equal(HeaderCheck.BadHeaderLength, ip.Check);
        Assert.Equal(0, ip.HeaderLength);
        Assert.True(ip.Payload.IsEmpty);
    }

    [Fact]
    public void Ipv4ReaderRejectsIhlReachingPastThePacket()
    {
        var packet = Ipv4(UdpReader.IpProtocol, Udp(1, 2, 0));   // 28 bytes
        packet[0] = 0x48;                                        // claims a 32-byte header

        Assert.Equal(HeaderCheck.BadHeaderLength, new Ipv4Reader(packet).Check);
    }

    [Fact]
    public void Ipv4ReaderRejectsTotalLengthLargerThanThePacket()
    {
        var packet = Ipv4(UdpReader.IpProtocol, Udp(1, 2, 10));

        Assert.Equal(HeaderCheck.BadTotalLength, new Ipv4Reader(packet.AsSpan(0, packet.Length - 1)).Check);
    }

    [Fact]
    public void Ipv4ReaderRejectsTotalLengthSmallerThanTheHeader()
    {
        var packet = Ipv4(UdpReader.IpProtocol, Udp(1, 2, 10), optionWords: 1);
        packet[2] = 0;
        packet[3] = 20;   // the 24-byte header does not fit in 20

        Assert.Equal(HeaderCheck.BadTotalLength, new Ipv4Reader(packet).Check);
    }

    [Fact]
    public void Ipv4ReaderMarksFirstFragmentAsCarryingTheTransportHeader()
    {
        var ip = new Ipv4Reader(Ipv4(UdpReader.IpProtocol, Udp(1, 2, 16), fragmentField: MoreFragments));

        Assert.True(ip.IsFragment);
        Assert.True(ip.IsFirstFragment);
        Assert.True(ip.MoreFragments);
        Assert.Equal(0, ip.FragmentOffset);
        Assert.True(ip.HasTransportHeader);
    }

    [Theory]
    [InlineData(MoreFragments | 185)]
    [InlineData(185)]
    public void Ipv4ReaderMarksLaterFragmentsAsHavingNoTransportHeader(ushort fragmentField)
    {
        var ip = new Ipv4Reader(Ipv4(UdpReader.IpProtocol, Pattern(24), fragmentField: fragmentField));

        Assert.Equal(HeaderCheck.Ok, ip.Check);
        Assert.True(ip.IsFragment);
        Assert.False(ip.IsFirstFragment);
        Assert.Equal(185, ip.FragmentOffset);
        Assert.False(ip.HasTransportHeader);
    }
}
