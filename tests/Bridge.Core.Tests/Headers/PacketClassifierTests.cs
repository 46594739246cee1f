// PacketClassifier: what each well-formed sample frame summarises to, and how malformations surface.
using Hairpin.Bridge.Core.Headers;
using Xunit;
using static Hairpin.Bridge.Core.Tests.Headers.TestPackets;

namespace Hairpin.Bridge.Core.Tests.Headers;

public class PacketClassifierTests
{
    [Fact]
    public void ClassifierSummarisesArpRequest()
    {
        AssertClassifies("arp-request", new PacketSummary
        {
            EtherType = EtherTypes.Arp,
            ArpOperation = ArpReader.OperationRequest,
            ArpSenderIp = IpA,
            ArpTargetIp = IpB,
        });
    }

    [Fact]
    public void ClassifierSummarisesIpv4TcpSyn()
    {
        AssertClassifies("ipv4-tcp-syn", new PacketSummary
        {
            EtherType = EtherTypes.IPv4,
            IpVersion = 4,
            IpProtocol = TcpReader.IpProtocol,
            Dscp = 46,
            SourceIpv4 = IpA,
            DestinationIpv4 = IpB,
            HasTransportHeader = true,
            SourcePort = 49152,
            DestinationPort = 443,
            TcpFlags = TcpFlags.Syn,
        });
    }

    [Fact]
    public void ClassifierSummarisesIpv4Udp()
    {
        AssertClassifies("ipv4-udp", new PacketSummary
        {
            EtherType = EtherTypes.IPv4,
            IpVersion = 4,
            IpProtocol = UdpReader.IpProtocol,
            SourceIpv4 = IpA,
            DestinationIpv4 = IpB,
            HasTransportHeader = true,
            SourcePort = 5353,
            DestinationPort = 53,
        });
    }

    [Fact]
    public void ClassifierSummarisesIpv4IcmpEcho()
    {
        AssertClassifies("ipv4-icmp-echo", new PacketSummary
        {
            EtherType = EtherTypes.IPv4,
            IpVersion = 4,
            IpProtocol = IcmpReader.Icmpv4Protocol,
            SourceIpv4 = IpA,
            DestinationIpv4 = IpB,
            HasTransportHeader = true,
            IcmpType = 8,
        });
    }

    [Fact]
    public void ClassifierSummarisesIpv6NeighbourSolicitation()
    {
        AssertClassifies("ipv6-icmpv6-ns", new PacketSummary
        {
            EtherType = EtherTypes.IPv6,
            IpVersion = 6,
            IpProtocol = IcmpReader.Icmpv6Protocol,
            SourceIpv6 = Ip6A,
            DestinationIpv6 = SolicitedNodeB,
            HasTransportHeader = true,
            IcmpType = 135,
        });
    }

    [Fact]
    public void ClassifierReachesUdpBehindIpv6ExtensionHeaders()
    {
        AssertClassifies("ipv6-ext-udp", new PacketSummary
        {
            EtherType = EtherTypes.IPv6,
            IpVersion = 6,
            IpProtocol = UdpReader.IpProtocol,
            Dscp = 46,
            SourceIpv6 = Ip6A,
            DestinationIpv6 = Ip6B,
            HasTransportHeader = true,
            SourcePort = 40000,
            DestinationPort = 4789,
        });
    }

    [Fact]
    public void ClassifierReadsPortsOfIpv6FirstFragment()
    {
        AssertClassifies("ipv6-fragment-first", new PacketSummary
        {
            EtherType = EtherTypes.IPv6,
            IpVersion = 6,
            IpProtocol = UdpReader.IpProtocol,
            SourceIpv6 = Ip6A,
            DestinationIpv6 = Ip6B,
            IsFragment = true,
            IsFirstFragment = true,
            HasTransportHeader = true,
            SourcePort = 40000,
            DestinationPort = 53,
        });
    }

    [Fact]
    public void ClassifierLeavesL4FieldsEmptyForIpv6LaterFragment()
    {
        AssertClassifies("ipv6-fragment-later", new PacketSummary
        {
            EtherType = EtherTypes.IPv6,
            IpVersion = 6,
            IpProtocol = UdpReader.IpProtocol,
            SourceIpv6 = Ip6A,
            DestinationIpv6 = Ip6B,
            IsFragment = true,
        });
    }

    [Fact]
    public void ClassifierReadsVlanTagAndIpv4BehindIt()
    {
        AssertClassifies("vlan-ipv4-udp", new PacketSummary
        {
            EtherType = EtherTypes.IPv4,
            TagCount = 1,
            Vid = 100,
            Pcp = 5,
            IpVersion = 4,
            IpProtocol = UdpReader.IpProtocol,
            SourceIpv4 = IpA,
            DestinationIpv4 = IpB,
            HasTransportHeader = true,
            SourcePort = 68,
            DestinationPort = 67,
        });
    }

    [Fact]
    public void ClassifierReportsOuterTagOfQinQAndIpv4BehindBothTags()
    {
        AssertClassifies("qinq-ipv4-tcp", new PacketSummary
        {
            EtherType = EtherTypes.IPv4,
            TagCount = 2,
            Vid = 200,
            Pcp = 3,
            IpVersion = 4,
            IpProtocol = TcpReader.IpProtocol,
            SourceIpv4 = IpA,
            DestinationIpv4 = IpB,
            HasTransportHeader = true,
            SourcePort = 443,
            DestinationPort = 49152,
            TcpFlags = TcpFlags.Syn | TcpFlags.Ack,
        });
    }

    [Fact]
    public void ClassifierLeavesL4FieldsEmptyForIpv4LaterFragment()
    {
        // The fragment data starts with bytes that would read as ports 0xA0A1 / 0xA2A3.
        var frame = Ethernet(EtherTypes.IPv4, Ipv4(UdpReader.IpProtocol, Pattern(32), fragmentField: 185));

        Assert.Equal(HeaderCheck.Ok, PacketClassifier.Classify(frame, out var summary));
        Assert.True(summary.IsFragment);
        Assert.False(summary.IsFirstFragment);
        Assert.False(summary.HasTransportHeader);
        Assert.Equal(0, summary.SourcePort);
        Assert.Equal(0, summary.DestinationPort);
    }

    [Fact]
    public void ClassifierReportsTcpHeaderCutShortInAFirstFragmentButKeepsL3Fields()
    {
        // A "tiny fragment": the first fragment holds only 8 bytes of the TCP header.
        var frame = Ethernet(EtherTypes.IPv4, Ipv4(TcpReader.IpProtocol, Tcp(1, 22, TcpFlags.Syn)[..8], fragmentField: MoreFragments));

        Assert.Equal(HeaderCheck.Truncated, PacketClassifier.Classify(frame, out var summary));
        Assert.Equal(4, summary.IpVersion);
        Assert.Equal(IpA, summary.SourceIpv4);
        Assert.True(summary.IsFirstFragment);
        Assert.False(summary.HasTransportHeader);
        Assert.Equal(0, summary.DestinationPort);
    }

    [Fact]
    public void ClassifierReportsTcpDataOffsetBelowFive()
    {
        var tcp = Tcp(1, 2, TcpFlags.Syn);
        tcp[12] = 0x40;

        Assert.Equal(HeaderCheck.BadHeaderLength, PacketClassifier.Classify(Ethernet(EtherTypes.IPv4, Ipv4(TcpReader.IpProtocol, tcp)), out _));
    }

    [Fact]
    public void ClassifierReportsIpv4TotalLengthLargerThanTheFrame()
    {
        var packet = Ipv4(UdpReader.IpProtocol, Udp(1, 2, 4));
        packet[3] += 1;

        Assert.Equal(HeaderCheck.BadTotalLength, PacketClassifier.Classify(Ethernet(EtherTypes.IPv4, packet), out _));
    }

    [Fact]
    public void ClassifierReportsBadVersionWhenEtherTypeAndVersionDisagree()
    {
        var frame = Ethernet(EtherTypes.IPv4, Ipv6(UdpReader.IpProtocol, Udp(1, 2, 4)));

        Assert.Equal(HeaderCheck.BadVersion, PacketClassifier.Classify(frame, out var summary));
        Assert.Equal(EtherTypes.IPv4, summary.EtherType);
        Assert.Equal(0, summary.IpVersion);
    }

    [Fact]
    public void ClassifierReportsBadIhl()
    {
        var packet = Ipv4(UdpReader.IpProtocol, Udp(1, 2, 4));
        packet[0] = 0x43;

        Assert.Equal(HeaderCheck.BadHeaderLength, PacketClassifier.Classify(Ethernet(EtherTypes.IPv4, packet), out _));
    }

    [Fact]
    public void ClassifierReportsIpv6WithNineExtensionHeaders()
    {
        var headers = new byte[9][];
        for (int i = 0; i < headers.Length; i++)
        {
            headers[i] = ExtensionHeader(i == headers.Length - 1 ? TcpReader.IpProtocol : DestinationOptions, 8);
        }
        var frame = Ethernet(EtherTypes.IPv6, Ipv6(HopByHop, Concat(Concat(headers), Tcp(1, 2, TcpFlags.Syn))));

        Assert.Equal(HeaderCheck.TooManyExtensionHeaders, PacketClassifier.Classify(frame, out var summary));
        Assert.Equal(0, summary.IpVersion);
    }

    [Fact]
    public void ClassifierDoesNotReadProtocolOneAsIcmpUnderIpv6()
    {
        var frame = Ethernet(EtherTypes.IPv6, Ipv6(IcmpReader.Icmpv4Protocol, Icmp(8, 0, 4)));

        Assert.Equal(HeaderCheck.Ok, PacketClassifier.Classify(frame, out var summary));
        Assert.Equal(IcmpReader.Icmpv4Protocol, summary.IpProtocol);
        Assert.False(summary.HasTransportHeader);
    }

    [Fact]
    public void ClassifierReturnsOnlyL2FieldsForOtherEtherTypes()
    {
        var frame = Ethernet(EtherTypes.Lldp, Pattern(40), (EtherTypes.CustomerVlan, Tci(7, 4094)));

        AssertClassifies(frame, new PacketSummary { EtherType = EtherTypes.Lldp, TagCount = 1, Vid = 4094, Pcp = 7 });
    }

    [Fact]
    public void ClassifierReturnsLengthFieldForLlcFrames()
    {
        AssertClassifies(Ethernet(40, Pattern(40)), new PacketSummary { EtherType = 40 });
    }

    [Fact]
    public void ClassifierIgnoresEthernetPaddingAfterIpv4()
    {
        var frame = Concat(Ethernet(EtherTypes.IPv4, Ipv4(UdpReader.IpProtocol, Udp(1, 2, 0))), new byte[18]);

        Assert.Equal(HeaderCheck.Ok, PacketClassifier.Classify(frame, out var summary));
        Assert.Equal(2, summary.DestinationPort);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    public void ClassifierReportsMalformedLinkForRunts(int length)
    {
        Assert.Equal(HeaderCheck.MalformedLink, PacketClassifier.Classify(Sample("ipv4-udp").AsSpan(0, length), out var summary));
        Assert.Equal(default, summary);
    }

    [Fact]
    public void ClassifierReportsMalformedLinkForInvalidLengthField()
    {
        Assert.Equal(HeaderCheck.MalformedLink, PacketClassifier.Classify(Ethernet(1501, Pattern(1501)), out _));
    }

    private static void AssertClassifies(string sample, PacketSummary expected) => AssertClassifies(Sample(sample), expected);

    private static void AssertClassifies(byte[] frame, PacketSummary expected)
    {
        Assert.Equal(HeaderCheck.Ok, PacketClassifier.Classify(frame, out var summary));
        Assert.Equal(expected, summary);
    }
}
