// LldpCodec: what it writes it reads back; padding and unknown TLVs are tolerated; every malformed
// shape 802.1AB names is refused with a reason.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Lldp;
using static Hairpin.Bridge.Core.Tests.Qbg.Lldp.LldpSamples;

namespace Hairpin.Bridge.Core.Tests.Qbg.Lldp;

public class LldpCodecTests
{
    // chassis MA/02:00:00:00:b0:01, port MA/02:00:00:00:b0:01, TTL 120: the capture's first 22 bytes.
    private const string Mandatory = "020704020000 00b001 0407030200 0000b001 06020078";
    private const string EvbTlv = "fe090080c20d 0200685414";
    private const string End = "0000";

    [Fact]
    public void PduWithMacPortIdAndEvbRoundTrips()
    {
        var pdu = new LldpPdu(LldpId.ChassisMac(BridgeMac), LldpId.PortMac(BridgeMac), 120, Evb(BridgeOffer));

        AssertRoundTrips(pdu);
        Assert.Equal(Bytes(Mandatory + EvbTlv + End), LldpCodec.Encode(pdu));
    }

    [Fact]
    public void PduWithInterfaceNameAndNoEvbRoundTrips()
    {
        var pdu = new LldpPdu(LldpId.ChassisMac(StationMac), LldpId.PortName("vnet0"), 65535);

        AssertRoundTrips(pdu);
        Assert.Equal("vnet0", pdu.Port.ToString());
    }

    [Fact]
    public void PduWithLocallyAssignedPortIdAndZeroTtlRoundTrips()
    {
        AssertRoundTrips(new LldpPdu(LldpId.ChassisMac(StationMac), LldpId.PortLocalName("port-7"), 0, Evb(StationEnabled)));
    }

    [Fact]
    public void LongestIdsRoundTrip()
    {
        var chassis = new LldpId(LldpIdKind.Chassis, 7, new byte[255]);
        var port = new LldpId(LldpIdKind.Port, 2, Enumerable.Repeat((byte)'p', 255).ToArray());

        AssertRoundTrips(new LldpPdu(chassis, port, 1));
    }

    [Fact]
    public void IdsOutsideOneTo255BytesCannotBeBuilt()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LldpId(LldpIdKind.Port, 7, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LldpId(LldpIdKind.Port, 7, new byte[256]));
    }

    [Fact]
    public void ZeroPaddingAfterEndIsIgnored()
    {
        Assert.True(LldpCodec.TryDecode(Bytes(Mandatory + EvbTlv + End + "00000000000000000000000000"), out LldpPdu? pdu, out _));
        Assert.Equal(Evb(BridgeOffer), pdu.Evb);
    }

    [Fact]
    public void PduEndingWithoutEndTlvIsReadToItsLastTlv()
    {
        Assert.True(LldpCodec.TryDecode(Bytes(Mandatory + EvbTlv), out LldpPdu? pdu, out _));
        Assert.Equal(Evb(BridgeOffer), pdu.Evb);
    }

    [Fact]
    public void OtherTlvsAreCountedAndSkipped()
    {
        // System name "sw1", an 802.1 port VLAN ID TLV (00-80-C2 subtype 1), the draft EVB TLV (00-1B-3F).
        const string others = "0a03737731" + "fe060080c2010001" + "fe0d001b3f00800080000000000000";

        Assert.True(LldpCodec.TryDecode(Bytes(Mandatory + others + EvbTlv + End), out LldpPdu? pdu, out _));

        Assert.Equal(3, pdu.UnknownTlvCount);
        Assert.Equal(Evb(BridgeOffer), pdu.Evb);
    }

    [Fact]
    public void DraftEvbTlvAloneLeavesNoEvb()
    {
        Assert.True(LldpCodec.TryDecode(Bytes(Mandatory + "fe0d001b3f00400740070cdf00000f" + End), out LldpPdu? pdu, out _));

        Assert.Null(pdu.Evb);
        Assert.Equal(1, pdu.UnknownTlvCount);
    }

    [Fact]
    public void TlvsAfterEndAreNotRead()
    {
        Assert.True(LldpCodec.TryDecode(Bytes(Mandatory + End + EvbTlv), out LldpPdu? pdu, out _));
        Assert.Null(pdu.Evb);
    }

    [Theory]
    [InlineData("", "first TLV is not the chassis ID")]
    [InlineData("0407030200 0000b001 020704020000 00b001 06020078", "first TLV is not the chassis ID")]
    [InlineData("020704020000 00b001 06020078", "second TLV is not the port ID")]
    [InlineData("020704020000 00b001 0407030200 0000b001", "third TLV is not the TTL")]
    [InlineData("020704020000 00b001 0407030200 0000b001 0000 06020078", "third TLV is not the TTL")]
    [InlineData("020104 0407030200 0000b001 06020078", "chassis ID length out of 2..256")]
    [InlineData("020704020000 00b001 040103 06020078", "port ID length out of 2..256")]
    [InlineData("020704020000 00b001 0400 06020078", "port ID length out of 2..256")]
    [InlineData("020704020000 00b001 0407030200 0000b001 0603000078", "TTL length is not 2")]
    [InlineData("020704020000 00b001 0407030200 0000b001 060178", "TTL length is not 2")]
    [InlineData("020704020000 00b001 0407030200 0000b001 06020078 fe080080c20d02006854", "EVB TLV length is not 9")]
    [InlineData("020704020000 00b001 0407030200 0000b001 06020078 fe0a0080c20d020068541400", "EVB TLV length is not 9")]
    [InlineData("020704020000 00b001 0407030200 0000b001 06020078 fe090080c20d0200685414 fe090080c20d0200685414", "EVB TLV repeated")]
    [InlineData("020704020000 00b001 0407030200 0000b001 06020078 fe030080c2", "organizational TLV shorter than OUI and subtype")]
    [InlineData("020704020000 00b001 0407030200 0000b001 06020078 06020078", "mandatory TLV repeated")]
    [InlineData("020704020000 00b001 0407030200 0000b001 06020078 020704020000 00b001", "mandatory TLV repeated")]
    [InlineData("020804020000 00b001", "TLV overruns the PDU")]
    [InlineData("020704020000 00b001 0407030200 0000b001 06020078 fe090080c20d02006854", "TLV overruns the PDU")]
    [InlineData("020704020000 00b001 0407030200 0000b001 06020078 00", "TLV overruns the PDU")]
    [InlineData("02", "TLV overruns the PDU")]
    public void MalformedPduIsRefusedWithAReason(string hex, string expected)
    {
        Assert.False(LldpCodec.TryDecode(Bytes(hex), out LldpPdu? pdu, out string reason));

        Assert.Null(pdu);
        Assert.Equal(expected, reason);
    }

    [Fact]
    public void IdsRenderByWhatTheirSubtypeSays()
    {
        Assert.Equal("02:00:00:00:b0:01", LldpId.ChassisMac(BridgeMac).ToString());
        Assert.Equal("02:00:00:00:b0:01", LldpId.PortMac(BridgeMac).ToString());
        Assert.Equal("192.0.2.7", new LldpId(LldpIdKind.Chassis, 5, [1, 192, 0, 2, 7]).ToString());
        Assert.Equal("eth0", LldpId.PortName("eth0").ToString());
        Assert.Equal("00ff10", new LldpId(LldpIdKind.Port, 7, [0x00, 0xFF, 0x10]).ToString());
        // The port subtype for a MAC is 3; a chassis subtype 3 (port component) of six bytes is not a MAC.
        Assert.False(new LldpId(LldpIdKind.Chassis, 3, Bytes("020000 00b001")).IsMacAddress);
    }

    [Fact]
    public void IdsCompareByValue()
    {
        Assert.Equal(LldpId.PortMac(BridgeMac), new LldpId(LldpIdKind.Port, 3, Bytes("020000 00b001")));
        Assert.Equal(LldpId.PortMac(BridgeMac).GetHashCode(), new LldpId(LldpIdKind.Port, 3, Bytes("020000 00b001")).GetHashCode());
        Assert.NotEqual(LldpId.PortMac(BridgeMac), LldpId.PortMac(StationMac));
        Assert.NotEqual(LldpId.PortMac(BridgeMac), LldpId.ChassisMac(BridgeMac));
    }

    private static void AssertRoundTrips(LldpPdu pdu)
    {
        byte[] encoded = LldpCodec.Encode(pdu);

        Assert.True(LldpCodec.TryDecode(encoded, out LldpPdu? decoded, out string reason), reason);
        Assert.Equal(pdu, decoded);
        Assert.Equal(encoded, LldpCodec.Encode(decoded));
    }

    private static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
}
