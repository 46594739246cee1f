// LldpAgent on a manual clock: when PDUs go out (start, every 30 s, fast after a change or a new
// neighbour), how the neighbour is kept, refreshed, replaced, shut down and aged out, and what is counted.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Lldp;
using static Hairpin.Bridge.Core.Tests.Qbg.Lldp.LldpSamples;

namespace Hairpin.Bridge.Core.Tests.Qbg.Lldp;

public class LldpAgentTests
{
    private static readonly MacAddress OtherStationMac = MacAddress.Parse("02:00:00:00:5a:02");

    [Fact]
    public void FirstPduGoesOutAtStartThenEveryThirtySeconds()
    {
        LldpAgent bridge = BridgeAgent();
        Assert.Equal(TimeSpan.Zero, bridge.NextDeadline);

        List<(TimeSpan At, byte[] Pdu)> sent = Run(bridge, Seconds(95));

        Assert.Equal([Seconds(0), Seconds(30), Seconds(60), Seconds(90)], sent.Select(s => s.At));
        Assert.Equal(4, bridge.TxFrames);
        Assert.Equal(Seconds(120), bridge.NextDeadline);
        Assert.True(LldpCodec.TryDecode(sent[0].Pdu, out LldpPdu? pdu, out _));
        Assert.Equal(new LldpPdu(LldpId.ChassisMac(BridgeMac), LldpId.PortMac(BridgeMac), 120, Evb(BridgeOffer)), pdu);
    }

    [Fact]
    public void LinkUpSendsAtOnceAndFastInsteadOfWaitingForThePeriod()
    {
        // The first PDU went out while the link was still down (it never left): link up sends again now.
        LldpAgent bridge = BridgeAgent();
        Run(bridge, Seconds(1));

        bridge.LinkUp();
        List<(TimeSpan At, byte[] Pdu)> sent = Run(bridge, Seconds(40), from: Seconds(3));

        Assert.Equal([Seconds(3), Seconds(4), Seconds(5), Seconds(6), Seconds(36)], sent.Select(s => s.At));
    }

    [Fact]
    public void NewNeighborStartsFourFastPdusThenThePeriodResumes()
    {
        LldpAgent bridge = BridgeAgent();
        Run(bridge, Seconds(1));

        bridge.Receive(StationPdu(StationRequest), StationMac, Seconds(5));
        Assert.True(bridge.NextDeadline <= Seconds(5));
        List<(TimeSpan At, byte[] Pdu)> sent = Run(bridge, Seconds(40), from: Seconds(5));

        Assert.Equal([Seconds(5), Seconds(6), Seconds(7), Seconds(8), Seconds(38)], sent.Select(s => s.At));
        Assert.All(sent, s => Assert.Equal(BridgeGrant, EvbOf(s.Pdu)));
    }

    [Fact]
    public void LocalChangeStartsFastPdus()
    {
        LldpAgent station = StationAgent();
        Run(station, Seconds(35));   // PDUs at 0 and 30

        Assert.True(station.ReconfigureEvb(new EvbSettings { ReflectiveRelay = false }));
        List<(TimeSpan At, byte[] Pdu)> sent = Run(station, Seconds(80), from: Seconds(40));

        Assert.Equal([Seconds(40), Seconds(41), Seconds(42), Seconds(43), Seconds(73)], sent.Select(s => s.At));
        Assert.False(Evb(EvbOf(sent[0].Pdu)).Rrreq);
    }

    [Fact]
    public void UnchangedSettingsSendNothingExtra()
    {
        LldpAgent station = StationAgent();
        Run(station, Seconds(1));

        station.ReconfigureEvb(new EvbSettings());

        Assert.Equal(Seconds(30), station.NextDeadline);
    }

    [Fact]
    public void FastPdusNeverComeCloserThanTheFastInterval()
    {
        LldpAgent bridge = BridgeAgent();
        Run(bridge, TimeSpan.Zero);

        bridge.Receive(StationPdu(StationRequest), StationMac, TimeSpan.FromMilliseconds(200));

        Assert.Equal(Seconds(1), bridge.NextDeadline);
        Assert.Empty(Run(bridge, TimeSpan.FromMilliseconds(999), from: TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void NeighborIsRecordedWithItsSourceTtlAndEvbTlv()
    {
        LldpAgent bridge = BridgeAgent();
        int version = bridge.StateVersion;

        bridge.Receive(StationPdu(StationRequest), StationMac, Seconds(10));

        LldpNeighbor neighbor = Assert.IsType<LldpNeighbor>(bridge.Neighbor);
        Assert.Equal(LldpId.ChassisMac(StationMac), neighbor.Chassis);
        Assert.Equal(LldpId.PortMac(StationMac), neighbor.Port);
        Assert.Equal(StationMac, neighbor.Source);
        Assert.Equal(120, neighbor.TtlSeconds);
        Assert.Equal(Seconds(100), neighbor.TimeLeft(Seconds(30)));
        Assert.Equal(TimeSpan.Zero, neighbor.TimeLeft(Seconds(200)));
        Assert.Equal(Evb(StationRequest), neighbor.Evb);
        Assert.True(bridge.ReflectiveRelay);
        Assert.Equal(1, bridge.RxFrames);
        Assert.Equal(0, bridge.RxDiscarded);
        Assert.NotEqual(version, bridge.StateVersion);
    }

    [Fact]
    public void NeighborAgesOutAfterItsTtlAndRelayGoesWithIt()
    {
        LldpAgent bridge = BridgeAgent();
        bridge.Receive(StationPdu(StationEnabled), StationMac, Seconds(10));
        Run(bridge, Seconds(129), from: Seconds(10));
        int version = bridge.StateVersion;
        Assert.NotNull(bridge.Neighbor);

        bridge.Tick(Seconds(130), []);

        Assert.Null(bridge.Neighbor);
        Assert.Equal(1, bridge.AgeOuts);
        Assert.False(bridge.ReflectiveRelay);
        Assert.Null(bridge.Evb!.Remote);
        Assert.NotEqual(version, bridge.StateVersion);
    }

    [Fact]
    public void NextDeadlineIncludesTheNeighborsExpiry()
    {
        LldpAgent bridge = new(BridgeMac, new LldpSettings { TxInterval = Seconds(300), TxHold = 1 }, BridgeEvb());
        bridge.Tick(TimeSpan.Zero, []);
        bridge.Receive(StationPdu(StationEnabled, ttl: 20), StationMac, Seconds(100));
        Run(bridge, Seconds(110), from: Seconds(100));   // the fast PDUs

        Assert.Equal(Seconds(120), bridge.NextDeadline);
    }

    [Fact]
    public void RefreshKeepsTheNeighborAndItsStateVersion()
    {
        LldpAgent bridge = BridgeAgent();
        bridge.Receive(StationPdu(StationEnabled), StationMac, Seconds(10));
        int version = bridge.StateVersion;

        bridge.Receive(StationPdu(StationEnabled), StationMac, Seconds(40));

        Assert.Equal(Seconds(160), bridge.Neighbor!.ExpiresAt);
        Assert.Equal(version, bridge.StateVersion);
    }

    [Fact]
    public void ShutdownPduRemovesTheNeighborAtOnce()
    {
        LldpAgent bridge = BridgeAgent();
        bridge.Receive(StationPdu(StationEnabled), StationMac, Seconds(10));
        int version = bridge.StateVersion;

        bridge.Receive(StationPdu(StationEnabled, ttl: 0), StationMac, Seconds(11));

        Assert.Null(bridge.Neighbor);
        Assert.False(bridge.ReflectiveRelay);
        Assert.Equal(0, bridge.AgeOuts);
        Assert.NotEqual(version, bridge.StateVersion);
    }

    [Fact]
    public void ShutdownPduFromAStrangerChangesNothing()
    {
        LldpAgent bridge = BridgeAgent();
        bridge.Receive(StationPdu(StationEnabled), StationMac, Seconds(10));

        bridge.Receive(StationPdu(StationEnabled, ttl: 0, mac: OtherStationMac), OtherStationMac, Seconds(11));

        Assert.Equal(StationMac, bridge.Neighbor!.Source);
        Assert.True(bridge.ReflectiveRelay);
    }

    [Fact]
    public void AnotherNeighborReplacesTheFirstAndStartsFastPdus()
    {
        LldpAgent bridge = BridgeAgent();
        bridge.Receive(StationPdu(StationEnabled), StationMac, Seconds(0));
        Run(bridge, Seconds(20));
        Assert.Equal(Seconds(33), bridge.NextDeadline);

        bridge.Receive(StationPdu(StationRequest, mac: OtherStationMac, evb: false), OtherStationMac, Seconds(21));

        Assert.Equal(LldpId.ChassisMac(OtherStationMac), bridge.Neighbor!.Chassis);
        Assert.Null(bridge.Neighbor.Evb);
        Assert.False(bridge.ReflectiveRelay);
        Assert.True(bridge.NextDeadline <= Seconds(21), "due at once");
    }

    [Fact]
    public void NeighborThatDropsTheEvbTlvEndsRelay()
    {
        LldpAgent bridge = BridgeAgent();
        bridge.Receive(StationPdu(StationEnabled), StationMac, Seconds(0));

        bridge.Receive(StationPdu(StationEnabled, evb: false), StationMac, Seconds(30));

        Assert.NotNull(bridge.Neighbor);
        Assert.False(bridge.ReflectiveRelay);
        Assert.Equal(BridgeOffer, Hex(bridge.Evb!.Local));
    }

    [Fact]
    public void MalformedPduIsCountedAndChangesNothing()
    {
        LldpAgent bridge = BridgeAgent();
        bridge.Receive(StationPdu(StationEnabled), StationMac, Seconds(0));
        int version = bridge.StateVersion;
        byte[] broken = StationPdu(StationRequest);
        broken[^12] = 0x20;   // the EVB TLV's length byte: 9 -> 32, past the end

        bridge.Receive(broken, StationMac, Seconds(1));

        Assert.Equal(2, bridge.RxFrames);
        Assert.Equal(1, bridge.RxDiscarded);
        Assert.Equal("TLV overruns the PDU", bridge.LastDiscardReason);
        Assert.Equal(Evb(StationEnabled), bridge.Neighbor!.Evb);
        Assert.Equal(version, bridge.StateVersion);
    }

    [Fact]
    public void UnknownTlvsAreCounted()
    {
        LldpAgent bridge = BridgeAgent();
        byte[] pdu = [.. StationPdu(StationEnabled)[..^2], 0x0a, 0x03, (byte)'v', (byte)'m', (byte)'1', 0xfe, 0x04, 0x00, 0x12, 0x0f, 0x01, 0x00, 0x00];

        bridge.Receive(pdu, StationMac, Seconds(0));

        Assert.Equal(2, bridge.RxUnknownTlvs);
        Assert.True(bridge.ReflectiveRelay);
    }

    [Fact]
    public void AgentWithoutEvbSendsNoEvbTlvButRecordsTheNeighbors()
    {
        var agent = new LldpAgent(BridgeMac, new LldpSettings());
        var sent = new List<byte[]>();
        agent.Tick(TimeSpan.Zero, sent);

        agent.Receive(StationPdu(StationRequest), StationMac, Seconds(1));

        Assert.True(LldpCodec.TryDecode(sent.Single(), out LldpPdu? pdu, out _));
        Assert.Null(pdu.Evb);
        Assert.Equal(Evb(StationRequest), agent.Neighbor!.Evb);
        Assert.False(agent.ReflectiveRelay);
        Assert.False(agent.ReconfigureEvb(new EvbSettings()));
    }

    [Fact]
    public void ShutdownBuildsATtlZeroPduAndStopsTheAgent()
    {
        LldpAgent bridge = BridgeAgent();
        Run(bridge, Seconds(1));

        byte[] goodbye = bridge.Shutdown();

        Assert.True(LldpCodec.TryDecode(goodbye, out LldpPdu? pdu, out _));
        Assert.Equal(new LldpPdu(LldpId.ChassisMac(BridgeMac), LldpId.PortMac(BridgeMac), 0), pdu);
        Assert.Equal(2, bridge.TxFrames);
        Assert.Equal(TimeSpan.MaxValue, bridge.NextDeadline);
        var sent = new List<byte[]>();
        bridge.Tick(Seconds(60), sent);
        Assert.Empty(sent);
    }

    [Fact]
    public void TtlIsTxHoldTimesTheInterval()
    {
        Assert.Equal(120, new LldpSettings().TtlSeconds);
        Assert.Equal(40, new LldpSettings { TxInterval = Seconds(10) }.TtlSeconds);
        Assert.Equal(65535, new LldpSettings { TxInterval = Seconds(30_000) }.TtlSeconds);
    }

    [Fact]
    public void SettingsOutOfRangeAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new LldpAgent(BridgeMac, new LldpSettings { TxInterval = TimeSpan.Zero }));
        Assert.Throws<ArgumentException>(() => new LldpAgent(BridgeMac, new LldpSettings { FastCount = -1 }));
        Assert.Throws<ArgumentException>(() => new LldpAgent(BridgeMac, new LldpSettings { TxHold = 0 }));
    }

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private static byte[] StationPdu(string evbHex, int ttl = 120, MacAddress? mac = null, bool evb = true)
    {
        MacAddress source = mac ?? StationMac;
        return LldpCodec.Encode(new LldpPdu(LldpId.ChassisMac(source), LldpId.PortMac(source), ttl, evb ? Evb(evbHex) : null));
    }

    private static string EvbOf(byte[] pdu) =>
        LldpCodec.TryDecode(pdu, out LldpPdu? decoded, out _) && decoded.Evb is { } evb ? Hex(evb) : "none";

    // Ticks the agent at each of its deadlines from `from` (or now) up to `until`, and returns what it sent when.
    private static List<(TimeSpan At, byte[] Pdu)> Run(LldpAgent agent, TimeSpan until, TimeSpan? from = null)
    {
        var sent = new List<(TimeSpan, byte[])>();
        TimeSpan now = from ?? TimeSpan.Zero;
        var batch = new List<byte[]>();
        for (int guard = 0; guard < 10_000; guard++)
        {
            if (agent.NextDeadline > now)
            {
                now = agent.NextDeadline;
            }
            if (now > until)
            {
                return sent;
            }
            batch.Clear();
            agent.Tick(now, batch);
            sent.AddRange(batch.Select(pdu => (now, pdu)));
        }
        throw new InvalidOperationException("the agent did not settle");
    }
}
