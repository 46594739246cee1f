// ERSPAN encapsulation byte for byte: type II and type III headers written out by hand from the
// draft's field layout (and the IPv4 checksums added up by hand), so a field in the wrong bits fails.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mirroring;

namespace Hairpin.Bridge.Core.Tests.Mirroring;

public sealed class ErspanEncapsulationTests
{
    private static readonly ErspanTunnel TypeII = new(ErspanVersion.TypeII, 100,
        MacAddress.Parse("02:00:00:00:00:01"), MacAddress.Parse("02:00:00:00:00:02"), 0xC0000201, 0xC0000202);

    private static byte[] Inner(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(0xA0 + i))];

    [Fact]
    public void TypeTwoIsEthernetIpv4GreWithSequenceAndTheEightByteHeader()
    {
        byte[] inner = Inner(60);
        byte[] into = new byte[200];

        int length = ErspanEncapsulation.Write(into, inner, TypeII, new ErspanFrame(Vid: 10, Cos: 5, Egress: false, Sequence: 7, Timestamp: 0, PortIndex: 3, TaggedInFrame: false));

        byte[] expected = Convert.FromHexString(
            "020000000002" + "020000000001" + "0800" +
            "4500" + "0060" + "0007" + "4000" + "40" + "2F" + "B664" + "C0000201" + "C0000202" +
            "1000" + "88BE" + "00000007" +
            "100AA064" + "00000003");
        Assert.Equal(expected.Length + 60, length);
        Assert.Equal(expected, into[..expected.Length]);
        Assert.Equal(inner, into[expected.Length..length]);
    }

    [Fact]
    public void TypeThreeCarriesTimestampDirectionAndHardwareId()
    {
        ErspanTunnel tunnel = TypeII with { Version = ErspanVersion.TypeIII, HardwareId = 5 };
        byte[] inner = Inner(64);
        byte[] into = new byte[200];

        int length = ErspanEncapsulation.Write(into, inner, tunnel, new ErspanFrame(Vid: 10, Cos: 5, Egress: true, Sequence: 7, Timestamp: 0x01020304, PortIndex: 3, TaggedInFrame: true));

        byte[] expected = Convert.FromHexString(
            "020000000002" + "020000000001" + "0800" +
            "4500" + "0068" + "0007" + "4000" + "40" + "2F" + "B65C" + "C0000201" + "C0000202" +
            "1000" + "22EB" + "00000007" +
            "200AA064" + "01020304" + "00008058");
        Assert.Equal(expected.Length + 64, length);
        Assert.Equal(expected, into[..expected.Length]);
        Assert.Equal(inner, into[expected.Length..length]);
    }

    [Fact]
    public void TypeTwoSaysWhenTheFrameCarriesItsOwnTag()
    {
        byte[] into = new byte[200];

        ErspanEncapsulation.Write(into, Inner(64), TypeII, new ErspanFrame(10, 0, false, 0, 0, 0, TaggedInFrame: true));

        Assert.Equal(Convert.FromHexString("100A1864"), into[42..46]);   // En = 3: the 802.1Q tag is in the frame
    }

    [Fact]
    public void AFrameThatDoesNotFitIsCutAndMarkedTruncated()
    {
        byte[] into = new byte[50 + 20];

        int length = ErspanEncapsulation.Write(into, Inner(60), TypeII, new ErspanFrame(1, 0, false, 0, 0, 0, false));

        Assert.Equal(70, length);
        Assert.Equal(Convert.FromHexString("0038"), into[16..18]);        // IPv4 total length 56 = 20 + 8 + 8 + 20
        Assert.Equal(Convert.FromHexString("10010464"), into[42..46]);    // T bit set
        Assert.Equal(Inner(20), into[50..70]);
    }

    [Fact]
    public void NoRoomForTheHeadersWritesNothing()
    {
        Assert.Equal(0, ErspanEncapsulation.Write(new byte[49], Inner(60), TypeII, default));
    }

    [Fact]
    public void Ipv4ChecksumMatchesTheTextbookExample()
    {
        byte[] header = Convert.FromHexString("450000730000400040110000C0A80001C0A800C7");

        Assert.Equal(0xB861, ErspanEncapsulation.Ipv4Checksum(header));
    }

    [Fact]
    public void TunnelValuesOutOfRangeAreNamed()
    {
        ErspanTunnel bad = TypeII with { SessionId = 1024, Dscp = 64, Ttl = 0, CollectorMac = MacAddress.Broadcast };

        Assert.Equal(4, bad.Validate().Count());
        Assert.Empty(TypeII.Validate());
    }
}
