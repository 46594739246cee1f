// VdpStation alone, fed hand-made bridge answers on a manual clock: what it sends and when, which answers
// it takes (lldpad's rules), its timeouts, back-offs and the version the host polls.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Infrastructure.VdpTestKit;

namespace Hairpin.Bridge.Core.Tests.Qbg.Vdp;

public class VdpStationTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static VdpMessage SendOne(VdpStation station, TimeSpan now)
    {
        var sent = new List<byte[]>();
        station.Tick(now, sent);
        return Parse(Assert.Single(sent));
    }

    // The bridge's answer for Uuid1/Mac1 with one MAC/VID entry.
    private static VdpMessage Answer(VdpRequest type, int vid, byte status) =>
        new(Manager, [Tlv(type, Uuid1, Mac1, vid, status: status)]);

    [Fact]
    public void RequestCarriesTheManagerIdFirstAndOneVsiTlvAsLldpadSendsIt()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1) with { Hint = VsiHint.MigratingTo });

        var sent = new List<byte[]>();
        station.Tick(TimeSpan.Zero, sent);

        // The capture's request for the same VSI, with VID 0 and the M hint; plus the End TLV.
        Assert.Equal(
            "0A106D677231000000000000000000000000" + "0621" + "10" + "00002A01" + "05A141285760F74CE1E95A2164943F53AA" + "020001" + "5254008EAA110000" + "0000",
            Convert.ToHexString(Assert.Single(sent)));
        Assert.Equal(TimeSpan.Zero + station.ResponseWait, station.NextDeadline);
        Assert.Equal(StationVsiState.Pending, Assert.Single(station.Vsis).State);
    }

    [Fact]
    public void AnswerAssociatesAndTheBridgesVidIsAdopted()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        SendOne(station, TimeSpan.Zero);
        long before = station.Version;

        station.Receive(Answer(VdpRequest.Associate, 10, 0x40), Second);

        Assert.True(station.TryGet(Uuid1, out StationVsi? vsi));
        Assert.Equal(StationVsiState.Associated, vsi.State);
        Assert.Equal(10, vsi.Vid);
        Assert.Equal(10, vsi.AssignedVid);
        Assert.Equal(Second, vsi.LastAnswerAt);
        Assert.True(station.Version > before);
        Assert.Equal(Second + VdpTimers.KeepAliveInterval(20), station.NextDeadline);
    }

    [Fact]
    public void KeepAlivesGoOutEveryKeepAliveIntervalWithTheAdoptedVid()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        SendOne(station, TimeSpan.Zero);
        station.Receive(Answer(VdpRequest.Associate, 10, 0x40), TimeSpan.Zero);
        long version = station.Version;
        TimeSpan interval = VdpTimers.KeepAliveInterval(20);

        var early = new List<byte[]>();
        station.Tick(interval - TimeSpan.FromTicks(1), early);
        VdpMessage keepAlive = SendOne(station, interval);
        station.Receive(Answer(VdpRequest.Associate, 10, 0x40), interval);

        Assert.Empty(early);
        Assert.Equal(TimeSpan.FromTicks(104_857_600), interval);   // 10 us x 2^20 = 10.49 s
        Assert.Equal(10, Assert.Single(Assert.Single(keepAlive.Vsis).Filters).Vid);
        Assert.Equal(version, station.Version);   // nothing the host must republish
    }

    [Fact]
    public void AnswersWithoutTheResponseBitAreIgnoredAsLldpadIgnoresThem()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        SendOne(station, TimeSpan.Zero);

        station.Receive(Answer(VdpRequest.Associate, 10, 0x00), Second);

        Assert.Equal(StationVsiState.Pending, Assert.Single(station.Vsis).State);
        Assert.Equal(1, station.Counters.Ignored);
    }

    [Fact]
    public void AnswersThatDoNotMatchTheRequestAreIgnored()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1, vid: 10));
        SendOne(station, TimeSpan.Zero);

        station.Receive(Answer(VdpRequest.Associate, 11, 0x40), Second);   // VID changed
        station.Receive(new VdpMessage(VdpManagerId.FromText("other"), [Tlv(VdpRequest.Associate, Uuid1, Mac1, 10, status: 0x40)]), Second);
        station.Receive(new VdpMessage(Manager, [Tlv(VdpRequest.Associate, Uuid1, Mac2, 10, status: 0x40)]), Second);
        station.Receive(new VdpMessage(Manager, [Tlv(VdpRequest.Associate, Uuid2, Mac1, 10, status: 0x40)]), Second);
        station.Receive(new VdpMessage(null, [Tlv(VdpRequest.Associate, Uuid1, Mac1, 10, status: 0x40)]), Second);

        Assert.Equal(StationVsiState.Pending, Assert.Single(station.Vsis).State);
        Assert.Equal(5, station.Counters.Ignored);
    }

    [Fact]
    public void RefusalShowsTheStatusAndReasonAndIsRetriedAfterADoublingBackoff()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        SendOne(station, TimeSpan.Zero);

        station.Receive(Answer(VdpRequest.Associate, 0, 0x44), Second);
        StationVsi vsi = Assert.Single(station.Vsis);
        Assert.Equal(StationVsiState.Refused, vsi.State);
        Assert.Equal(VdpError.OtherFailure, vsi.LastStatus.Error);
        Assert.Contains("other failure", vsi.Reason, StringComparison.Ordinal);
        Assert.Equal(Second + VdpStation.DefaultRetryBackoff, station.NextDeadline);

        SendOne(station, Second + VdpStation.DefaultRetryBackoff);
        station.Receive(Answer(VdpRequest.Associate, 0, 0x41), 12 * Second);
        Assert.Equal(12 * Second + (2 * VdpStation.DefaultRetryBackoff), station.NextDeadline);
        Assert.Contains("invalid format", vsi.Reason, StringComparison.Ordinal);
        Assert.Equal(2, vsi.Failures);
    }

    [Fact]
    public void RefusalThatLldpadsBridgeSendsAsDeAssociateIsStillARefusal()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        SendOne(station, TimeSpan.Zero);

        station.Receive(Answer(VdpRequest.DeAssociate, 0, 0x44), Second);

        Assert.Equal(StationVsiState.Refused, Assert.Single(station.Vsis).State);
    }

    [Fact]
    public void NoAnswerWithinTheResponseWaitTimesOutAndResends()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        SendOne(station, TimeSpan.Zero);
        TimeSpan wait = VdpTimers.ResponseWait(3, 8, 20);

        var early = new List<byte[]>();
        station.Tick(wait - TimeSpan.FromTicks(1), early);
        VdpMessage retry = SendOne(station, wait);

        Assert.Equal(TimeSpan.FromTicks(157_555_200), wait);   // 1.5 x (7 x 2.56 ms + 10.49 s) = 15.76 s, as lldpad
        Assert.Empty(early);
        Assert.Equal(VdpRequest.Associate, Assert.Single(retry.Vsis).Type);
        Assert.Equal(StationVsiState.TimedOut, Assert.Single(station.Vsis).State);
        Assert.Equal(1, station.Counters.Timeouts);
        station.Receive(Answer(VdpRequest.Associate, 10, 0x40), wait + Second);
        Assert.Equal(StationVsiState.Associated, Assert.Single(station.Vsis).State);
    }

    [Fact]
    public void UnacknowledgedRequestTimesOutAtOnceButIsResentOnlyWhenTheResponseWaitEnds()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        var sent = new List<byte[]>();
        station.Tick(TimeSpan.Zero, sent);
        long version = station.Version;

        station.Unacknowledged(Assert.Single(sent));

        StationVsi vsi = Assert.Single(station.Vsis);
        Assert.Equal(StationVsiState.TimedOut, vsi.State);
        Assert.Equal("not acknowledged by the bridge (ECP gave up)", vsi.Reason);
        Assert.True(station.Version > version);
        Assert.Equal(station.ResponseWait, station.NextDeadline);
        var early = new List<byte[]>();
        station.Tick(station.ResponseWait - TimeSpan.FromTicks(1), early);
        Assert.Empty(early);
        Assert.Equal(VdpRequest.Associate, Assert.Single(SendOne(station, station.ResponseWait).Vsis).Type);
        Assert.Equal(1, station.Counters.Timeouts);
    }

    [Fact]
    public void AnswerArrivingAfterEcpGaveUpIsStillTaken()
    {
        // The request got through and only the ACKs were lost (or late): the answer counts.
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        var sent = new List<byte[]>();
        station.Tick(TimeSpan.Zero, sent);
        station.Unacknowledged(Assert.Single(sent));

        station.Receive(Answer(VdpRequest.Associate, 10, 0x40), Second);

        StationVsi vsi = Assert.Single(station.Vsis);
        Assert.Equal(StationVsiState.Associated, vsi.State);
        Assert.Equal("", vsi.Reason);
        Assert.Equal(10, vsi.Vid);
    }

    [Fact]
    public void UnacknowledgedDeAssociateForgetsTheVsi()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        station.Deassociate(Uuid1);
        var sent = new List<byte[]>();
        station.Tick(TimeSpan.Zero, sent);

        station.Unacknowledged(Assert.Single(sent));

        Assert.Empty(station.Vsis);
    }

    [Fact]
    public void UnacknowledgedPayloadOfAnotherRequestChangesNothing()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        SendOne(station, TimeSpan.Zero);

        station.Unacknowledged(Payload(Tlv(VdpRequest.DeAssociate, Uuid1, Mac1, 0)));
        station.Unacknowledged(Payload(Tlv(VdpRequest.Associate, Uuid2, Mac2, 0)));
        station.Unacknowledged([0x06]);

        Assert.Equal(StationVsiState.Pending, Assert.Single(station.Vsis).State);
        Assert.Equal(0, station.Counters.Timeouts);
    }

    [Fact]
    public void RestartAsksAfreshForWantedVsisAndForgetsWithdrawnOnes()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        station.Associate(Spec(Uuid2, Mac2));
        var sent = new List<byte[]>();
        station.Tick(TimeSpan.Zero, sent);
        station.Receive(Answer(VdpRequest.Associate, 10, 0x40), TimeSpan.Zero);
        station.Deassociate(Uuid2);
        long version = station.Version;

        station.Restart();

        StationVsi vsi = Assert.Single(station.Vsis);
        Assert.Equal(Uuid1, vsi.Spec.Id);
        Assert.Equal(StationVsiState.Pending, vsi.State);
        Assert.Equal(0, vsi.Vid);
        Assert.True(station.Version > version);
        Assert.Equal(TimeSpan.Zero, station.NextDeadline);
        Assert.Equal(0, Assert.Single(Assert.Single(SendOne(station, Second).Vsis).Filters).Vid);
    }

    [Fact]
    public void UnsolicitedDeAssociateFromTheBridgeEndsTheAssociationUntilTheBackoff()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        SendOne(station, TimeSpan.Zero);
        station.Receive(Answer(VdpRequest.Associate, 10, 0x40), TimeSpan.Zero);
        long version = station.Version;

        station.Receive(Answer(VdpRequest.DeAssociate, 10, 0x00), 3 * Second);

        StationVsi vsi = Assert.Single(station.Vsis);
        Assert.Equal(StationVsiState.Deassociated, vsi.State);
        Assert.Equal(0, vsi.Vid);
        Assert.True(station.Version > version);
        Assert.Equal(1, station.Counters.BridgeDeassociations);
        Assert.Equal(3 * Second + VdpStation.DefaultRetryBackoff, station.NextDeadline);
        VdpMessage again = SendOne(station, 3 * Second + VdpStation.DefaultRetryBackoff);
        Assert.Equal(0, Assert.Single(Assert.Single(again.Vsis).Filters).Vid);   // the bridge chooses again
    }

    [Fact]
    public void DeassociateSendsADeAssociateWithTheAssignedVidThenForgets()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        SendOne(station, TimeSpan.Zero);
        station.Receive(Answer(VdpRequest.Associate, 10, 0x40), TimeSpan.Zero);

        Assert.True(station.Deassociate(Uuid1));
        Assert.Equal(StationVsiState.Deassociating, Assert.Single(station.Vsis).State);
        VsiTlv sent = Assert.Single(SendOne(station, Second).Vsis);
        station.Receive(Answer(VdpRequest.Associate, 10, 0x40), Second);   // a stale keep-alive answer
        Assert.Single(station.Vsis);
        station.Receive(Answer(VdpRequest.DeAssociate, 10, 0x40), Second);

        Assert.Equal(VdpRequest.DeAssociate, sent.Type);
        Assert.Equal(10, Assert.Single(sent.Filters).Vid);   // vdptool insists on the assigned VID too
        Assert.Empty(station.Vsis);
        Assert.False(station.Deassociate(Uuid1));
        Assert.Null(station.NextDeadline);
    }

    [Fact]
    public void UnansweredDeAssociateIsGivenUpAfterTheResponseWait()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        station.Deassociate(Uuid1);
        SendOne(station, TimeSpan.Zero);

        station.Tick(station.ResponseWait, []);

        Assert.Empty(station.Vsis);
    }

    [Fact]
    public void DeassociatingARefusedVsiForgetsItWithoutAWord()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        SendOne(station, TimeSpan.Zero);
        station.Receive(Answer(VdpRequest.Associate, 0, 0x44), Second);

        station.Deassociate(Uuid1);
        var sent = new List<byte[]>();
        station.Tick(100 * Second, sent);

        Assert.Empty(station.Vsis);
        Assert.Empty(sent);
    }

    [Fact]
    public void KeepErrorOnAnAssociatedVsiKeepsTheAssociation()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        SendOne(station, TimeSpan.Zero);
        station.Receive(Answer(VdpRequest.Associate, 10, 0x40), TimeSpan.Zero);
        SendOne(station, station.KeepAliveInterval);

        station.Receive(Answer(VdpRequest.Associate, 10, 0x62), station.KeepAliveInterval);

        StationVsi vsi = Assert.Single(station.Vsis);
        Assert.Equal(StationVsiState.Associated, vsi.State);
        Assert.Equal(10, vsi.Vid);
        Assert.Contains("kept", vsi.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSameSpecTwiceIsOneVsiAndAChangedSpecStartsOver()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));
        long version = station.Version;
        station.Associate(Spec(Uuid1, Mac1));
        Assert.Equal(version, station.Version);
        SendOne(station, TimeSpan.Zero);
        station.Receive(Answer(VdpRequest.Associate, 10, 0x40), TimeSpan.Zero);

        station.Associate(Spec(Uuid1, Mac2));

        StationVsi vsi = Assert.Single(station.Vsis);
        Assert.Equal(StationVsiState.Pending, vsi.State);
        Assert.Equal(Mac2, Assert.Single(Assert.Single(SendOne(station, Second).Vsis).Filters).Mac);
    }

    [Fact]
    public void SpecsTheWireCannotCarryAreRefused()
    {
        var station = new VdpStation();

        Assert.Throws<ArgumentException>(() => station.Associate(Spec(Uuid1, Mac1, vid: 4095)));
        Assert.Throws<ArgumentException>(() => station.Associate(Spec(Uuid1, MacAddress.Broadcast)));
        Assert.Throws<ArgumentException>(() => station.Associate(Spec(Uuid1, Mac1, typeId: 0x100_0000)));
        Assert.Throws<ArgumentException>(() => station.Associate(Spec(Uuid1, Mac1) with { Mode = VdpRequest.DeAssociate }));
        Assert.Empty(station.Vsis);
    }

    [Fact]
    public void MalformedPayloadIsCountedAndChangesNothing()
    {
        var station = new VdpStation();
        station.Associate(Spec(Uuid1, Mac1));

        Assert.False(station.Receive([0x06, 0x21, 0x00], Second));
        Assert.Equal(1, station.Counters.Malformed);
    }
}
