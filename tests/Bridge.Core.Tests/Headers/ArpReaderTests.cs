// ArpReader: the Ethernet/IPv4 ARP form is read; short or foreign-format packets are reported, not misread.
using Hairpin.Bridge.Core.Headers;
using Xunit;
using static Hairpin.Bridge.Core.Tests.Headers.TestPackets;

namespace Hairpin.Bridge.Core.Tests.Headers;

public class ArpReaderTests
{
    [Fact]
    public void ArpReaderReadsEthernetIpv4Request()
    {
        var arp = new ArpReader(Arp(ArpReader.OperationRequest, HostA, IpA, MacAddress.Zero, IpB));

        Assert.Equal(HeaderCheck.Ok, arp.Check);
        Assert.Equal(ArpReader.OperationRequest, arp.Operation);
        Assert.Equal(HostA, arp.SenderMac);
        Assert.Equal(0xC000_0201u, arp.SenderIp);
        Assert.Equal(MacAddress.Zero, arp.TargetMac);
        Assert.Equal(0xC000_0202u, arp.TargetIp);
    }

    [Fact]
    public void ArpReaderIgnoresEthernetPaddingAfterThePacket()
    {
        var padded = Concat(Arp(ArpReader.OperationReply, HostB, IpB, HostA, IpA), new byte[18]);

        var arp = new ArpReader(padded);

        Assert.Equal(HeaderCheck.Ok, arp.Check);
        Assert.Equal(ArpReader.OperationReply, arp.Operation);
        Assert.Equal(HostA, arp.TargetMac);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(27)]
    public void ArpReaderReportsTruncatedBelow28Bytes(int length)
    {
        var packet = Arp(ArpReader.OperationRequest, HostA, IpA, MacAddress.Zero, IpB);

        var arp = new ArpReader(packet.AsSpan(0, length));

        Assert.Equal(HeaderCheck.Truncated, arp.Check);
        Assert.Equal(0, arp.Operation);
        Assert.Equal(0u, arp.SenderIp);
    }

    [Theory]
    [InlineData(1, 6)]      // hardware type IEEE 802 (6) instead of Ethernet (1)
    [InlineData(2, 0x86)]   // protocol type 0x86DD instead of 0x0800
    [InlineData(4, 8)]      // 8-byte hardware addresses
    [InlineData(5, 16)]     // 16-byte protocol addresses
    public void ArpReaderReportsUnsupportedForFormatsOtherThanEthernetIpv4(int offset, byte value)
    {
        var packet = Arp(ArpReader.OperationRequest, HostA, IpA, MacAddress.Zero, IpB);
        packet[offset] = value;

        Assert.Equal(HeaderCheck.Unsupported, new ArpReader(packet).Check);
        Assert.Equal(HeaderCheck.Unsupported, new ArpReader(packet.AsSpan(0, 8)).Check);
    }
}
