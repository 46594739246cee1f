// EvbTlv: the five-byte body's bit layout, checked field by field against the bytes lldpad sent in the
// reference capture, and written back byte for byte.
using Hairpin.Bridge.Core.Qbg.Lldp;
using static Hairpin.Bridge.Core.Tests.Qbg.Lldp.LldpSamples;

namespace Hairpin.Bridge.Core.Tests.Qbg.Lldp;

public class EvbTlvTests
{
    [Fact]
    public void BridgesFirstOfferOffersRelayCapabilityWithLocalTimers()
    {
        EvbTlv tlv = Evb(BridgeOffer);   // 02 00 68 54 14

        Assert.Equal(new EvbTlv
        {
            Bgid = false, Rrcap = true, Rrctr = false,
            Sgid = false, Rrreq = false, Rrstat = ReflectiveRelayStatus.NotEnabled,
            R = 3, Rte = 8,
            Mode = EvbMode.Bridge, RwdRol = false, Rwd = 20,
            RkaRol = false, Rka = 20,
        }, tlv);
    }

    [Fact]
    public void StationsRequestAsksForRelayBeforeHearingTheBridge()
    {
        EvbTlv tlv = Evb(StationRequest);   // 00 07 68 94 14

        Assert.Equal(new EvbTlv
        {
            Bgid = false, Rrcap = false, Rrctr = false,
            Sgid = false, Rrreq = true, Rrstat = ReflectiveRelayStatus.Unknown,
            R = 3, Rte = 8,
            Mode = EvbMode.Station, RwdRol = false, Rwd = 20,
            RkaRol = false, Rka = 20,
        }, tlv);
    }

    [Fact]
    public void BridgesGrantSetsRrctrAndEchoesTheStationByte()
    {
        EvbTlv tlv = Evb(BridgeGrant);   // 03 07 68 74 34

        Assert.Equal(new EvbTlv
        {
            Bgid = false, Rrcap = true, Rrctr = true,
            Sgid = false, Rrreq = true, Rrstat = ReflectiveRelayStatus.Unknown,
            R = 3, Rte = 8,
            Mode = EvbMode.Bridge, RwdRol = true, Rwd = 20,
            RkaRol = true, Rka = 20,
        }, tlv);
    }

    [Fact]
    public void StationInSteadyStateReportsRelayEnabled()
    {
        EvbTlv tlv = Evb(StationEnabled);   // 03 05 68 b4 34

        Assert.Equal(new EvbTlv
        {
            Bgid = false, Rrcap = true, Rrctr = true,
            Sgid = false, Rrreq = true, Rrstat = ReflectiveRelayStatus.Enabled,
            R = 3, Rte = 8,
            Mode = EvbMode.Station, RwdRol = true, Rwd = 20,
            RkaRol = true, Rka = 20,
        }, tlv);
    }

    [Fact]
    public void BridgeInSteadyStateEchoesRelayEnabled()
    {
        EvbTlv tlv = Evb(BridgeSteady);   // 03 05 68 74 34

        Assert.Equal(new EvbTlv
        {
            Bgid = false, Rrcap = true, Rrctr = true,
            Sgid = false, Rrreq = true, Rrstat = ReflectiveRelayStatus.Enabled,
            R = 3, Rte = 8,
            Mode = EvbMode.Bridge, RwdRol = true, Rwd = 20,
            RkaRol = true, Rka = 20,
        }, tlv);
    }

    [Fact]
    public void GroupIdBitsAreBgidAndSgid()
    {
        EvbTlv tlv = Evb(BridgeGroupIds);   // 07 0d 68 74 34

        Assert.True(tlv.Bgid);
        Assert.True(tlv.Rrcap);
        Assert.True(tlv.Rrctr);
        Assert.True(tlv.Sgid);
        Assert.True(tlv.Rrreq);
        Assert.Equal(ReflectiveRelayStatus.Enabled, tlv.Rrstat);
    }

    [Theory]
    [InlineData(BridgeOffer)]
    [InlineData(StationRequest)]
    [InlineData(BridgeGrant)]
    [InlineData(StationEnabled)]
    [InlineData(BridgeSteady)]
    [InlineData(StationGroupIds)]
    [InlineData(BridgeGroupIds)]
    [InlineData(StationGroupIdsSteady)]
    public void WritingACapturedTlvGivesBackItsBytes(string hex)
    {
        Assert.Equal(hex, Hex(Evb(hex)));
    }

    [Fact]
    public void ExtremeFieldValuesLandInTheirBits()
    {
        var tlv = new EvbTlv { R = 7, Rte = 31, Mode = EvbMode.Station, Rwd = 31, Rka = 31 };

        Assert.Equal("0000ff9f1f", Hex(tlv));
        Assert.Equal(tlv, Evb(Hex(tlv)));
    }

    [Fact]
    public void WriteKeepsEachFieldToItsWidth()
    {
        var tlv = new EvbTlv { R = 0xFF, Rte = 0xFF, Mode = (EvbMode)0xFF, Rwd = 0xFF, Rka = 0xFF, Rrstat = (ReflectiveRelayStatus)0xFF };

        Assert.Equal("0003ffdf1f", Hex(tlv));
    }

    [Fact]
    public void ReservedBitsAreDroppedOnRead()
    {
        EvbTlv tlv = Evb("f8f0000000");

        Assert.Equal(new EvbTlv(), tlv);
    }

    [Fact]
    public void TryReadRefusesABodyShorterThanFiveBytes()
    {
        Assert.False(EvbTlv.TryRead([0x02, 0x00, 0x68, 0x54], out EvbTlv tlv));
        Assert.Equal(default, tlv);
    }

    [Fact]
    public void TimersTheTlvCarries()
    {
        Assert.Equal(new EvbTimers(3, 8, 20, 20), Evb(BridgeSteady).Timers);
    }
}
