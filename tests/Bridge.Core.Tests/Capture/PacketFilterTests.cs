// The capture filter word by word, tcpdump's precedence and its vlan and bare-value rules, the errors
// for what it does not support, and that matching allocates nothing. (Host.Tests/Capture holds the
// test that the same expressions pick the same frames as tcpdump itself.)
using System.Buffers.Binary;
using System.Net;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Capture;

public sealed class PacketFilterTests
{
    private const byte Tcp = 6;
    private const byte Udp = 17;
    private const byte Icmp = 1;
    private const byte Icmpv6 = 58;
    private const uint HostA = 0x0A000001;   // 10.0.0.1
    private const uint HostB = 0x0A000002;   // 10.0.0.2
    private const uint HostC = 0x0A000003;   // 10.0.0.3
    private static readonly byte[] Ipv6A = IPAddress.Parse("2001:db8::a").GetAddressBytes();
    private static readonly byte[] Ipv6B = IPAddress.Parse("2001:db8::b").GetAddressBytes();

    private static byte[] Ports(ushort source, ushort destination, int size = 20)
    {
        byte[] header = new byte[size];
        BinaryPrimitives.WriteUInt16BigEndian(header, source);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(2), destination);
        return header;
    }

    private static FrameBuilder Ethernet(string source = "02:00:00:00:00:01", string destination = "02:00:00:00:00:02") =>
        new FrameBuilder().From(source).To(destination);

    private static byte[] TcpV4(uint source, uint destination, ushort sourcePort, ushort destinationPort) =>
        Ethernet().Ipv4(source, destination, Tcp, Ports(sourcePort, destinationPort)).Build();

    private static byte[] UdpV4(uint source, uint destination, ushort sourcePort, ushort destinationPort) =>
        Ethernet().Ipv4(source, destination, Udp, Ports(sourcePort, destinationPort, 8)).Build();

    private static byte[] TcpV6(ushort sourcePort, ushort destinationPort) =>
        Ethernet().Ipv6(Ipv6A, Ipv6B, Tcp, Ports(sourcePort, destinationPort)).Build();

    private static bool Matches(string expression, byte[] frame) => PacketFilterParser.Parse(expression).Matches(frame);

    [Fact]
    public void HostMatchesEitherIpv4AddressAndSrcOrDstOnlyItsOwn()
    {
        byte[] frame = TcpV4(HostA, HostB, 1000, 80);
        Assert.True(Matches("host 10.0.0.1", frame));
        Assert.True(Matches("host 10.0.0.2", frame));
        Assert.False(Matches("host 10.0.0.3", frame));
        Assert.True(Matches("src host 10.0.0.1", frame));
        Assert.False(Matches("src host 10.0.0.2", frame));
        Assert.True(Matches("dst host 10.0.0.2", frame));
        Assert.False(Matches("dst host 10.0.0.1", frame));
        Assert.True(Matches("src 10.0.0.1", frame));
        Assert.True(Matches("ip host 10.0.0.1", frame));
        Assert.False(Matches("arp host 10.0.0.1", frame));
    }

    [Fact]
    public void HostLooksIntoArpSenderAndTargetLikeTcpdump()
    {
        byte[] arp = Ethernet().ArpRequest(HostA, HostC).Build();
        Assert.True(Matches("host 10.0.0.1", arp));
        Assert.True(Matches("host 10.0.0.3", arp));
        Assert.True(Matches("src host 10.0.0.1", arp));
        Assert.False(Matches("dst host 10.0.0.1", arp));
        Assert.True(Matches("arp host 10.0.0.3", arp));
        Assert.False(Matches("ip host 10.0.0.3", arp));
    }

    [Fact]
    public void Ipv6HostMatchesSourceOrDestination()
    {
        byte[] frame = TcpV6(1000, 443);
        Assert.True(Matches("host 2001:db8::a", frame));
        Assert.True(Matches("ip6 dst host 2001:db8::b", frame));
        Assert.False(Matches("src host 2001:db8::b", frame));
        Assert.False(Matches("host 2001:db8::c", frame));
        Assert.False(Matches("host 10.0.0.1", frame));
    }

    [Fact]
    public void EtherHostSrcAndDstReadTheOuterAddresses()
    {
        byte[] frame = new FrameBuilder().From("02:00:00:00:00:0a").To("02:00:00:00:00:0b").Tag(5).Build();
        Assert.True(Matches("ether host 02:00:00:00:00:0a", frame));
        Assert.True(Matches("ether host 02:00:00:00:00:0b", frame));
        Assert.True(Matches("ether src 02:00:00:00:00:0a", frame));
        Assert.False(Matches("ether src 02:00:00:00:00:0b", frame));
        Assert.True(Matches("ether dst host 02-00-00-00-00-0b", frame));
        Assert.False(Matches("ether host 02:00:00:00:00:0c", frame));
    }

    [Fact]
    public void VlanMatchesAnyTagOrThatVid()
    {
        byte[] tagged = Ethernet().Tag(100).Build();
        byte[] serviceTagged = Ethernet().ServiceTag(200).Build();
        byte[] untagged = Ethernet().Build();
        Assert.True(Matches("vlan", tagged));
        Assert.True(Matches("vlan", serviceTagged));
        Assert.False(Matches("vlan", untagged));
        Assert.True(Matches("vlan 100", tagged));
        Assert.False(Matches("vlan 101", tagged));
        Assert.True(Matches("vlan 200", serviceTagged));
    }

    [Fact]
    public void WordsAfterVlanLookInsideTheTag()
    {
        byte[] tagged = Ethernet().Tag(100).Ipv4(HostA, HostB, Udp, Ports(5, 53, 8)).Build();
        Assert.True(Matches("vlan and ip", tagged));
        Assert.True(Matches("vlan 100 and udp and port 53 and host 10.0.0.2", tagged));
        Assert.False(Matches("ip", tagged));
        Assert.False(Matches("udp", tagged));
        // tcpdump's trap: the second `vlan` looks for a second tag.
        Assert.False(Matches("vlan and vlan", tagged));
        byte[] doubleTagged = Ethernet().ServiceTag(10).Tag(20).Ipv4(HostA, HostB, Udp, Ports(5, 53, 8)).Build();
        Assert.True(Matches("vlan 10 and vlan 20 and udp", doubleTagged));
        Assert.False(Matches("vlan 20 and vlan 10", doubleTagged));
        // ... and `vlan or ip` reads `ip` 4 bytes further on even when the frame is untagged.
        byte[] untaggedIp = UdpV4(HostA, HostB, 5, 53);
        Assert.False(Matches("vlan or ip", untaggedIp));
        Assert.True(Matches("ip or vlan", untaggedIp));
    }

    [Fact]
    public void PortMatchesTcpAndUdpOverIpv4AndIpv6()
    {
        Assert.True(Matches("port 80", TcpV4(HostA, HostB, 1000, 80)));
        Assert.True(Matches("port 1000", TcpV4(HostA, HostB, 1000, 80)));
        Assert.True(Matches("src port 1000", TcpV4(HostA, HostB, 1000, 80)));
        Assert.False(Matches("src port 80", TcpV4(HostA, HostB, 1000, 80)));
        Assert.True(Matches("dst port 53", UdpV4(HostA, HostB, 1000, 53)));
        Assert.True(Matches("udp dst port 53", UdpV4(HostA, HostB, 1000, 53)));
        Assert.False(Matches("tcp port 53", UdpV4(HostA, HostB, 1000, 53)));
        Assert.True(Matches("tcp src port 1000", TcpV6(1000, 443)));
        Assert.True(Matches("port 443", TcpV6(1000, 443)));
        Assert.False(Matches("port 80", TcpV6(1000, 443)));
    }

    [Fact]
    public void PortReadsPastIpv4OptionsAndSkipsLaterFragments()
    {
        // IHL 6: four bytes of options before the UDP header.
        byte[] transport = [0x01, 0x01, 0x01, 0x00, .. Ports(7777, 53, 8)];
        byte[] withOptions = Ethernet().Ipv4(HostA, HostB, Udp, transport).Build();
        withOptions[14] = 0x46;
        Assert.True(Matches("port 7777", withOptions));
        Assert.False(Matches("port 257", withOptions));   // the option bytes read as if they were ports

        byte[] laterFragment = Ethernet().Ipv4(HostA, HostB, Udp, Ports(7777, 53, 8), fragment: 0x00B9).Build();
        Assert.False(Matches("port 7777", laterFragment));
        Assert.True(Matches("udp", laterFragment));
    }

    [Fact]
    public void ProtocolWordsMatchTheirPackets()
    {
        byte[] tcp = TcpV4(HostA, HostB, 1, 2);
        byte[] udp6 = Ethernet().Ipv6(Ipv6A, Ipv6B, Udp, Ports(1, 2, 8)).Build();
        byte[] icmp = Ethernet().Ipv4(HostA, HostB, Icmp, new byte[8]).Build();
        byte[] icmp6 = Ethernet().Ipv6(Ipv6A, Ipv6B, Icmpv6, new byte[8]).Build();
        byte[] arp = Ethernet().ArpRequest(HostA, HostB).Build();
        Assert.True(Matches("tcp", tcp));
        Assert.False(Matches("udp", tcp));
        Assert.True(Matches("udp", udp6));
        Assert.True(Matches("ip6", udp6));
        Assert.False(Matches("ip", udp6));
        Assert.True(Matches("icmp", icmp));
        Assert.False(Matches("icmp", icmp6));
        Assert.True(Matches("icmp6", icmp6));
        Assert.False(Matches("icmp6", icmp));
        Assert.True(Matches("arp", arp));
        Assert.False(Matches("ip", arp));
        Assert.True(Matches("ip", icmp));
    }

    [Fact]
    public void Ipv6ProtocolIsFoundBehindAFragmentHeader()
    {
        byte[] fragmentHeader = [Icmpv6, 0, 0, 0, 0, 0, 0, 1, .. new byte[8]];
        byte[] frame = Ethernet().Ipv6(Ipv6A, Ipv6B, 44, fragmentHeader).Build();
        Assert.True(Matches("icmp6", frame));
        Assert.False(Matches("tcp", frame));
    }

    [Fact]
    public void AndAndOrHaveEqualPrecedenceAndGroupLeftToRight()
    {
        byte[] tcp80 = TcpV4(HostA, HostB, 1000, 80);
        // (tcp or udp) and port 53, not tcp or (udp and port 53).
        Assert.False(Matches("tcp or udp and port 53", tcp80));
        Assert.True(Matches("tcp or (udp and port 53)", tcp80));
        Assert.True(Matches("tcp || udp && port 80", tcp80));
    }

    [Fact]
    public void NotBindsTighterThanAndOr()
    {
        byte[] udp = UdpV4(HostA, HostB, 1, 53);
        Assert.True(Matches("not tcp and udp", udp));
        Assert.False(Matches("not (tcp or udp)", udp));
        Assert.True(Matches("! tcp && !arp", udp));
        Assert.True(Matches("not not udp", udp));
    }

    [Fact]
    public void ABareValueReusesThePreviousQualifiers()
    {
        Assert.True(Matches("host 10.0.0.3 or 10.0.0.2", TcpV4(HostA, HostB, 1, 2)));
        Assert.False(Matches("src host 10.0.0.3 or 10.0.0.2", TcpV4(HostA, HostB, 1, 2)));
        Assert.True(Matches("tcp port 80 or 443 and not 22", TcpV4(HostA, HostB, 1000, 443)));
        Assert.False(Matches("tcp port 80 or 443 and not 22", TcpV4(HostA, HostB, 22, 443)));
        Assert.False(Matches("tcp port 80 or 443", UdpV4(HostA, HostB, 1000, 443)));
    }

    [Fact]
    public void AFrameTheFilterWouldReadPastIsNotMatchedEvenUnderNot()
    {
        byte[] runt = new byte[13];
        Assert.False(Matches("not ip", runt));
        byte[] cutBeforePorts = TcpV4(HostA, HostB, 1, 2)[..34];
        Assert.True(Matches("tcp", cutBeforePorts));
        Assert.False(Matches("not port 80", cutBeforePorts));
        Assert.False(Matches("tcp and not port 80", cutBeforePorts));
        Assert.False(Matches("port 80 or tcp", cutBeforePorts));
        Assert.True(Matches("tcp or port 80", cutBeforePorts));   // decided before the read past the end
    }

    [Fact]
    public void AnEmptyExpressionMatchesEveryFrame()
    {
        PacketFilter filter = PacketFilterParser.Parse("  ");
        Assert.True(filter.Matches(new byte[1]));
        Assert.True(filter.Matches(TcpV4(HostA, HostB, 1, 2)));
    }

    [Theory]
    [InlineData("tcp and less 100", "'less' at position 9")]
    [InlineData("greater 64", "'greater' at position 1")]
    [InlineData("host www.example.com", "'www.example.com' at position 6")]
    [InlineData("vlan 4096", "'4096' at position 6")]
    [InlineData("port 65536", "'65536' at position 6")]
    [InlineData("port http", "after 'port' at position 1")]
    [InlineData("ether host 10.0.0.1", "'10.0.0.1' at position 12 is not a MAC address")]
    [InlineData("host 02:00:00:00:00:01", "write 'ether host 02:00:00:00:00:01'")]
    [InlineData("ip6 host 10.0.0.1", "'10.0.0.1' at position 10")]
    [InlineData("ip port 80", "'port' cannot follow 'ip'")]
    [InlineData("tcp host 10.0.0.1", "'tcp' cannot qualify a host")]
    [InlineData("(tcp or udp", "expected ')' to close the '(' at position 1")]
    [InlineData("tcp)", "unexpected ')' at position 4")]
    [InlineData("tcp and", "the filter ends")]
    [InlineData("80 or 443", "'80' at position 1 needs a qualifier")]
    [InlineData("tcp or 443", "'443' at position 8 has no qualifier to reuse")]
    [InlineData("tcp[13] & 2 != 0", "'tcp[13]' at position 1")]
    [InlineData("src or dst host 10.0.0.1", "'src or dst'")]
    [InlineData("TCP", "'TCP' at position 1")]
    [InlineData("ether proto 0x88cc", "'ether' at position 1 must be followed by")]
    public void UnsupportedOrMalformedExpressionsSayWhatAndWhere(string expression, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => PacketFilterParser.Parse(expression));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(expression, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNestingIsRefusedNotOverflowed()
    {
        string expression = new string('(', 500) + "tcp" + new string(')', 500);
        FormatException error = Assert.Throws<FormatException>(() => PacketFilterParser.Parse(expression));
        Assert.Contains("nested", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACaptureSelectorTakesOnlyFramesItsPacketFilterMatches()
    {
        var selector = new CaptureSelector(Port: 3) { Filter = PacketFilterParser.Parse("udp and dst port 53") };
        Assert.True(selector.Takes(UdpV4(HostA, HostB, 1000, 53), vid: 1));
        Assert.False(selector.Takes(UdpV4(HostA, HostB, 53, 1000), vid: 1));
        Assert.False(selector.Takes(TcpV4(HostA, HostB, 1000, 53), vid: 1));
    }

    [Fact]
    public void MatchingAllocatesNothing()
    {
        PacketFilter filter = PacketFilterParser.Parse(
            "(vlan 100 and host 10.0.0.1) or (tcp port 80 or 443 and not host 2001:db8::c) or ether src 02:00:00:00:00:01 or arp or icmp6");
        byte[][] frames =
        [
            TcpV4(HostA, HostB, 1000, 80), TcpV6(1000, 443), UdpV4(HostA, HostB, 1, 53),
            Ethernet().Tag(100).Ipv4(HostA, HostB, Udp, Ports(5, 53, 8)).Build(), Ethernet().ArpRequest(HostA, HostB).Build(), new byte[10],
        ];
        int matched = 0;
        foreach (byte[] frame in frames)
        {
            matched += filter.Matches(frame) ? 1 : 0;   // warm up (JIT, tiering)
        }
        long allocated = AllocationProbe.LeastOf(3, () =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                matched += filter.Matches(frames[i % frames.Length]) ? 1 : 0;
            }
        });
        Assert.Equal(0, allocated);
        Assert.True(matched > 0);
    }
}
