// FRAME-SPEC parsing: the frames it builds read back as written, and every error is one line that
// names the word at fault.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Tracing;

namespace Hairpin.Host.Tests.Tracing;

public sealed class FrameSpecTests
{
    private static byte[] Parse(string spec) => FrameSpec.Parse(spec.Split(' '));

    private static PacketSummary Summary(byte[] frame)
    {
        Assert.Equal(HeaderCheck.Ok, PacketClassifier.Classify(frame, out PacketSummary summary));
        return summary;
    }

    [Fact]
    public void ATaggedTcpSynReadsBackAsWritten()
    {
        byte[] frame = Parse("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b vlan 10 pcp 3 ip 169.254.0.1 > 169.254.0.2 tcp 40000 80 flags syn,ack dscp 46");

        PacketSummary summary = Summary(frame);
        Assert.Equal(MacAddress.Parse("52:54:00:00:00:0a"), MacAddress.Read(frame.AsSpan(6)));
        Assert.Equal(MacAddress.Parse("52:54:00:00:00:0b"), MacAddress.Read(frame));
        Assert.Equal((1, 10, 3), (summary.TagCount, summary.Vid, summary.Pcp));
        Assert.Equal((4, 6, 46), (summary.IpVersion, summary.IpProtocol, summary.Dscp));
        Assert.Equal((0xA9FE0001u, 0xA9FE0002u), (summary.SourceIpv4, summary.DestinationIpv4));
        Assert.Equal((40000, 80), (summary.SourcePort, summary.DestinationPort));
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, summary.TcpFlags);
    }

    [Fact]
    public void UdpIcmpArpAndRawFramesAreBuilt()
    {
        Assert.Equal((17, 5000, 53), Tuple(Summary(Parse("src 02:00:00:00:00:01 dst ff:ff:ff:ff:ff:ff ip 10.0.0.1 > 10.0.0.2 udp 5000 53"))));
        PacketSummary icmp = Summary(Parse("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 ip 10.0.0.1 > 10.0.0.2 icmp 8 0"));
        Assert.Equal((1, true, 8, 0), (icmp.IpProtocol, icmp.HasTransportHeader, icmp.IcmpType, icmp.IcmpCode));
        PacketSummary arp = Summary(Parse("src 02:00:00:00:00:01 dst ff:ff:ff:ff:ff:ff arp 169.254.0.1 > 169.254.0.2"));
        Assert.Equal((EtherTypes.Arp, ArpReader.OperationRequest, 0xA9FE0002u), (arp.EtherType, arp.ArpOperation, arp.ArpTargetIp));
        Assert.Equal(0x88CC, Summary(Parse("src 02:00:00:00:00:01 dst 01:80:c2:00:00:0e type 0x88cc")).EtherType);
    }

    [Fact]
    public void SizeSetsTheFrameLengthAndTwoVlansStackTags()
    {
        Assert.Equal(1000, Parse("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 ip 10.0.0.1 > 10.0.0.2 udp 1 2 size 1000").Length);
        Assert.Equal(200, Parse("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 size 200").Length);
        Assert.Equal(20, Parse("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 size 20").Length);   // a runt, on purpose
        Assert.Equal(2, Summary(Parse("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 vlan 10 vlan 20")).TagCount);
    }

    [Fact]
    public void ToAndAQuotedArrowBuildTheSameFrame()
    {
        // `to` keeps the shell out of it: an unquoted > would redirect the CLI's output to a file.
        Assert.Equal(
            Parse("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 ip 169.254.0.1 > 169.254.0.2 udp 1 2"),
            Parse("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 ip 169.254.0.1 to 169.254.0.2 udp 1 2"));
        Assert.Equal(
            Parse("src 02:00:00:00:00:01 dst ff:ff:ff:ff:ff:ff arp 169.254.0.1 > 169.254.0.2"),
            Parse("src 02:00:00:00:00:01 dst ff:ff:ff:ff:ff:ff arp 169.254.0.1 to 169.254.0.2"));
    }

    private static (int, int, int) Tuple(PacketSummary summary) => (summary.IpProtocol, summary.SourcePort, summary.DestinationPort);

    [Theory]
    [InlineData("src 52:54:00:00:00:0a dst nope", "frame spec: bad 'nope': not a MAC address (e.g. 52:54:00:00:00:0a)")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b vlan 5000", "frame spec: bad '5000': a VLAN ID is 0..4095")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b pcp 3", "frame spec: bad 'pcp': pcp follows a vlan")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b vlan 10 pcp 9", "frame spec: bad '9': pcp is 0..7")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b ip 10.0.0.1 10.0.0.2", "frame spec: bad '10.0.0.2': expected 'to' (ip SRC to DST); a '>' must be quoted, or the shell takes it for a redirection")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b ip 10.0.0.1 udp 1 2", "frame spec: bad 'udp': expected 'to' (ip SRC to DST); a '>' must be quoted, or the shell takes it for a redirection")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b ip 10.0.0.300 > 10.0.0.2", "frame spec: bad '10.0.0.300': not an IPv4 address (e.g. 169.254.0.1)")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b udp 1 2", "frame spec: bad 'udp': needs 'ip SRC to DST' before it")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b ip 10.0.0.1 > 10.0.0.2 udp 1 2 flags syn", "frame spec: bad 'flags': flags need 'tcp SPORT DPORT' before them")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b ip 10.0.0.1 > 10.0.0.2 tcp 1 80 flags syn,bogus", "frame spec: bad 'syn,bogus': 'bogus' is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr)")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b ip 10.0.0.1 > 10.0.0.2 tcp 1 99999", "frame spec: bad '99999': a port is 0..65535")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b dscp 10", "frame spec: bad 'dscp': needs 'ip SRC to DST' before it")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b ip 10.0.0.1 > 10.0.0.2 type 0x88b5", "frame spec: bad 'type': an ip frame has its own EtherType")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b type zz", "frame spec: bad 'zz': not a number (an EtherType is 0x0000..0xffff)")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b ip 10.0.0.1 > 10.0.0.2 tcp 1 2 size 40", "frame spec: bad 'size': 40 bytes cannot hold the headers (54 bytes)")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b vlan", "frame spec: bad 'vlan': needs a value after it")]
    [InlineData("src 52:54:00:00:00:0a dst 52:54:00:00:00:0b frobnicate", "frame spec: bad 'frobnicate': not a keyword (expected " + FrameSpec.Syntax + ")")]
    [InlineData("dst 52:54:00:00:00:0b", "frame spec: missing 'src MAC'")]
    [InlineData("src 52:54:00:00:00:0a", "frame spec: missing 'dst MAC'")]
    public void AnErrorIsOneLineNamingTheBadWord(string spec, string message)
    {
        FrameSpecException error = Assert.Throws<FrameSpecException>(() => Parse(spec));

        Assert.Equal(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}
