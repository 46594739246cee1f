// Every prefix of every sample frame is classified without throwing, and none of them passes as Ok:
// the samples carry no padding, so any cut lands inside a header or inside a length the header claims.
using Hairpin.Bridge.Core.Headers;
using Xunit;

namespace Hairpin.Bridge.Core.Tests.Headers;

public class PacketClassifierTruncationTests
{
    public static TheoryData<string> Samples => new(TestPackets.SampleNames);

    [Theory]
    [MemberData(nameof(Samples))]
    public void ClassifierReportsEveryPrefixOfAValidFrameAsNotOk(string sample)
    {
        var frame = TestPackets.Sample(sample);
        Assert.Equal(HeaderCheck.Ok, PacketClassifier.Classify(frame, out _));

        for (int length = 0; length < frame.Length; length++)
        {
            var check = PacketClassifier.Classify(frame.AsSpan(0, length), out _);

            Assert.True(check != HeaderCheck.Ok, $"{sample} cut to {length} of {frame.Length} bytes classified as Ok");
        }
    }

    [Theory]
    [InlineData("ipv4-tcp-syn", 10, HeaderCheck.MalformedLink)]          // inside the Ethernet header
    [InlineData("ipv4-tcp-syn", 14, HeaderCheck.Truncated)]              // EtherType, no IPv4 byte
    [InlineData("ipv4-tcp-syn", 14 + 19, HeaderCheck.Truncated)]         // one byte short of the IPv4 header
    [InlineData("ipv4-tcp-syn", 14 + 20 + 10, HeaderCheck.BadTotalLength)] // inside TCP: IPv4 total length no longer fits
    [InlineData("vlan-ipv4-udp", 16, HeaderCheck.MalformedLink)]         // inside the 802.1Q tag
    [InlineData("qinq-ipv4-tcp", 20, HeaderCheck.MalformedLink)]         // inside the inner tag
    [InlineData("qinq-ipv4-tcp", 22 + 4, HeaderCheck.Truncated)]         // inside IPv4 behind both tags
    [InlineData("arp-request", 14 + 7, HeaderCheck.Truncated)]
    [InlineData("arp-request", 14 + 27, HeaderCheck.Truncated)]
    [InlineData("ipv6-ext-udp", 14 + 39, HeaderCheck.Truncated)]         // one byte short of the IPv6 header
    [InlineData("ipv6-ext-udp", 14 + 41, HeaderCheck.BadTotalLength)]    // inside Hop-by-Hop: payload length no longer fits
    public void ClassifierReportsTheHeaderCutAtHandPickedPoints(string sample, int length, HeaderCheck expected)
    {
        var frame = TestPackets.Sample(sample);

        Assert.Equal(expected, PacketClassifier.Classify(frame.AsSpan(0, length), out _));
    }
}
