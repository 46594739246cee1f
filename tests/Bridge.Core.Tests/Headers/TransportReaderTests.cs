// TcpReader, UdpReader and IcmpReader: the L4 headers an ACL matches on.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;
using Xunit;
using static Hairpin.Bridge.Core.Tests.Headers.TestPackets;

namespace Hairpin.Bridge.Core.Tests.Headers;

public class TransportReaderTests
{
    [Fact]
    public void TcpReaderReadsPortsFlagsAndOptions()
    {
        var tcp = new TcpReader(Tcp(49152, 443, TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr, optionWords: 2, payloadLength: 5));

        Assert.Equal(HeaderCheck.Ok, tcp.Check);
        Assert.Equal(49152, tcp.SourcePort);
        Assert.Equal(443, tcp.DestinationPort);
        Assert.Equal(0x0102_0304u, tcp.SequenceNumber);
        Assert.Equal(28, tcp.HeaderLength);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ece | TcpFlags.Cwr, tcp.Flags);
        Assert.Equal(0xFAF0, tcp.Window);
        Assert.Equal(8, tcp.Options.Length);
        Assert.Equal(2, tcp.Options[0]);   // MSS
        Assert.Equal(5, tcp.Payload.Length);
    }

    [Theory]
    [InlineData(TcpFlags.Syn, false)]
    [InlineData(TcpFlags.Fin, false)]
    [InlineData(TcpFlags.Syn | TcpFlags.Ack, true)]
    [InlineData(TcpFlags.Ack | TcpFlags.Psh, true)]
    [InlineData(TcpFlags.Rst, true)]
    public void TcpReaderCallsSegmentsWithAckOrRstEstablished(byte flags, bool established)
    {
        Assert.Equal(established, new TcpReader(Tcp(1, 2, flags)).IsEstablished);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void TcpReaderRejectsDataOffsetBelowFive(int dataOffset)
    {
        var segment = Tcp(1, 2, TcpFlags.Syn);
        segment[12] = (byte)(dataOffset << 4);

        var tcp = new TcpReader(segment);

        Assert.Equal(HeaderCheck.BadHeaderLength, tcp.Check);
        Assert.Equal(0, tcp.SourcePort);
    }

    [Fact]
    public void TcpReaderRejectsDataOffsetPastTheSegment()
    {
        var segment = Tcp(1, 2, TcpFlags.Syn, optionWords: 1);

        Assert.Equal(HeaderCheck.BadHeaderLength, new TcpReader(segment.AsSpan(0, 23)).Check);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    public void TcpReaderReportsTruncatedBelowTwentyBytes(int length)
    {
        Assert.Equal(HeaderCheck.Truncated, new TcpReader(Tcp(1, 2, 0).AsSpan(0, length)).Check);
    }

    [Fact]
    public void UdpReaderReadsPortsAndLengthAndCutsPayloadAtLength()
    {
        var datagram = Concat(Udp(5353, 53, 12), new byte[6]);

        var udp = new UdpReader(datagram);

        Assert.Equal(HeaderCheck.Ok, udp.Check);
        Assert.Equal(5353, udp.SourcePort);
        Assert.Equal(53, udp.DestinationPort);
        Assert.Equal(20, udp.Length);
        Assert.Equal(12, udp.Payload.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(21)]
    public void UdpReaderRejectsLengthFieldOutsideHeaderAndDatagram(int lengthField)
    {
        var udp = new UdpReader(Udp(1, 2, 12, lengthField));

        Assert.Equal(HeaderCheck.BadTotalLength, udp.Check);
        Assert.Equal(0, udp.SourcePort);
    }

    [Fact]
    public void UdpReaderAcceptsLengthOfTheWholeDatagramInAFirstFragment()
    {
        var udp = new UdpReader(Udp(1, 2, 12, lengthField: 1400), isFirstFragment: true);

        Assert.Equal(HeaderCheck.Ok, udp.Check);
        Assert.Equal(1400, udp.Length);
        Assert.Equal(12, udp.Payload.Length);
        Assert.Equal(HeaderCheck.BadTotalLength, new UdpReader(Udp(1, 2, 12, lengthField: 4), isFirstFragment: true).Check);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public void UdpReaderReportsTruncatedBelowEightBytes(int length)
    {
        Assert.Equal(HeaderCheck.Truncated, new UdpReader(Udp(1, 2, 0).AsSpan(0, length)).Check);
    }

    [Fact]
    public void IcmpReaderReadsTypeCodeAndBody()
    {
        var message = Icmp(3, 4, 8);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), 0xBEEF);

        var icmp = new IcmpReader(message);

        Assert.Equal(HeaderCheck.Ok, icmp.Check);
        Assert.Equal(3, icmp.Type);
        Assert.Equal(4, icmp.Code);
        Assert.Equal(0xBEEF, icmp.Checksum);
        Assert.Equal(8, icmp.Body.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void IcmpReaderReportsTruncatedBelowFourBytes(int length)
    {
        Assert.Equal(HeaderCheck.Truncated, new IcmpReader(Icmp(8, 0, 0).AsSpan(0, length)).Check);
    }
}
