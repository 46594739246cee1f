// A bridge agent and a station agent back to back (Infrastructure/LldpWire): they negotiate reflective
// relay with the very bytes lldpad exchanged, keep it in the steady state, and drop it when the station
// stops asking or falls silent.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Qbg.Lldp.LldpSamples;

namespace Hairpin.Bridge.Core.Tests.Qbg.Lldp;

public class LldpWireTests
{
    [Fact]
    public void NegotiationOnTheWireIsTheCapturedSequence()
    {
        // As in the capture, the station's lldpad misses the bridge's first PDU and speaks at 1 s.
        var wire = new LldpWire(BridgeAgent(), StationAgent()) { StationUp = false };
        wire.RunUntil(Seconds(1));
        wire.StationUp = true;
        wire.RunUntil(Seconds(10));

        List<string> firstSeen = [.. wire.Log.Select(pdu => Hex(pdu.Decoded.Evb!.Value)).Distinct()];
        Assert.Equal(Documented, firstSeen);
        List<string> captured = [.. ReferenceCaptures.RatifiedOfType(EtherTypes.Lldp)
            .Select(frame => Hex(Decode(frame).Evb!.Value)).Distinct().Take(Documented.Length)];
        Assert.Equal(captured, firstSeen);
    }

    [Fact]
    public void EveryPduOnTheWireIsACapturedPduByteForByte()
    {
        var wire = new LldpWire(BridgeAgent(), StationAgent()) { StationUp = false };
        wire.RunUntil(Seconds(1));
        wire.StationUp = true;
        wire.RunUntil(Seconds(100));

        var captured = ReferenceCaptures.RatifiedOfType(EtherTypes.Lldp)
            .Select(frame => frame.AsSpan(ControlFrame.HeaderSize).ToArray()).ToList();
        Assert.All(wire.Log, pdu => Assert.Contains(captured, frame =>
            frame.AsSpan().StartsWith(pdu.Payload) && frame.AsSpan(pdu.Payload.Length).IndexOfAnyExcept((byte)0) < 0));
    }

    [Fact]
    public void BothEndsReachReflectiveRelayWithinTwoSeconds()
    {
        var wire = new LldpWire(BridgeAgent(), StationAgent());
        TimeSpan? bridgeOn = null, stationOn = null;

        for (TimeSpan t = TimeSpan.Zero; t <= Seconds(10); t += TimeSpan.FromMilliseconds(100))
        {
            wire.RunUntil(t);
            bridgeOn ??= wire.Bridge.ReflectiveRelay ? t : null;
            stationOn ??= wire.Station.ReflectiveRelay ? t : null;
        }

        Assert.NotNull(bridgeOn);
        Assert.NotNull(stationOn);
        Assert.True(bridgeOn <= Seconds(2), $"bridge at {bridgeOn}");
        Assert.True(stationOn <= Seconds(2), $"station at {stationOn}");
        Assert.Equal(BridgeSteady, wire.EvbSentBy(wire.Bridge)[^1]);
        Assert.Equal(StationEnabled, wire.EvbSentBy(wire.Station)[^1]);
    }

    [Fact]
    public void SteadyStateIsOnePduEveryThirtySecondsEachWay()
    {
        var wire = new LldpWire(BridgeAgent(), StationAgent());
        wire.RunUntil(Seconds(60));
        int before = wire.Log.Count;

        wire.RunUntil(Seconds(360));

        var steady = wire.Log.Skip(before).ToList();
        Assert.Equal(10, steady.Count(pdu => pdu.From == wire.Bridge));
        Assert.Equal(10, steady.Count(pdu => pdu.From == wire.Station));
        Assert.All(steady.Where(pdu => pdu.From == wire.Bridge).Zip(steady.Where(pdu => pdu.From == wire.Bridge).Skip(1)),
            pair => Assert.Equal(Seconds(30), pair.Second.At - pair.First.At));
        Assert.True(wire.Bridge.ReflectiveRelay);
        Assert.True(wire.Station.ReflectiveRelay);
        Assert.Equal(0, wire.Bridge.AgeOuts + wire.Station.AgeOuts);
        Assert.Equal(0, wire.Bridge.RxDiscarded + wire.Station.RxDiscarded);
    }

    [Fact]
    public void RelayGoesOffWhenTheStationStopsRequestingAndBackWhenItAsksAgain()
    {
        var wire = new LldpWire(BridgeAgent(), StationAgent());
        wire.RunUntil(Seconds(100));
        int version = wire.Bridge.StateVersion;

        wire.Station.ReconfigureEvb(new EvbSettings { ReflectiveRelay = false });
        wire.RunUntil(Seconds(102));

        Assert.False(wire.Bridge.ReflectiveRelay);
        Assert.False(wire.Station.ReflectiveRelay);
        Assert.Contains("0201687434", wire.EvbSentBy(wire.Bridge));   // RRCTR off, echoing the station's RRSTAT 1
        Assert.Equal("0200687434", wire.EvbSentBy(wire.Bridge)[^1]);
        Assert.Equal("020068b434", wire.EvbSentBy(wire.Station)[^1]);
        Assert.NotEqual(version, wire.Bridge.StateVersion);

        wire.Station.ReconfigureEvb(new EvbSettings());
        wire.RunUntil(Seconds(104));

        Assert.True(wire.Bridge.ReflectiveRelay);
        Assert.True(wire.Station.ReflectiveRelay);
    }

    [Fact]
    public void RelayGoesOffWhenTheSilentStationAgesOutAfter120Seconds()
    {
        var wire = new LldpWire(BridgeAgent(), StationAgent());
        wire.RunUntil(Seconds(50));
        TimeSpan lastHeard = wire.Log.Last(pdu => pdu.From == wire.Station).At;
        wire.StationUp = false;

        wire.RunUntil(lastHeard + Seconds(119.9));
        Assert.True(wire.Bridge.ReflectiveRelay);
        Assert.Equal(TimeSpan.FromMilliseconds(100), wire.Bridge.Neighbor!.TimeLeft(wire.Now));

        wire.RunUntil(lastHeard + Seconds(120));
        Assert.False(wire.Bridge.ReflectiveRelay);
        Assert.Null(wire.Bridge.Neighbor);
        Assert.Equal(1, wire.Bridge.AgeOuts);
        Assert.Equal(EvbTimers.LldpadDefaults, wire.Bridge.Evb!.Operational);
    }

    [Fact]
    public void StationShutdownEndsRelayAtOnce()
    {
        var wire = new LldpWire(BridgeAgent(), StationAgent());
        wire.RunUntil(Seconds(50));
        wire.StationUp = false;

        wire.Bridge.Receive(wire.Station.Shutdown(), StationMac, Seconds(50));

        Assert.False(wire.Bridge.ReflectiveRelay);
        Assert.Null(wire.Bridge.Neighbor);
        Assert.Equal(0, wire.Bridge.AgeOuts);
    }

    [Fact]
    public void BothEndsRunWithTheLargerTimers()
    {
        var wire = new LldpWire(BridgeAgent(new EvbSettings { Timers = new EvbTimers(3, 10, 20, 18) }),
            StationAgent(new EvbSettings { Timers = new EvbTimers(5, 8, 21, 22) }));

        wire.RunUntil(Seconds(10));

        var expected = new EvbTimers(5, 10, 21, 22);
        Assert.Equal(expected, wire.Bridge.Evb!.Operational);
        Assert.Equal(expected, wire.Station.Evb!.Operational);
        EvbTlv bridgeSent = wire.Log.Last(pdu => pdu.From == wire.Bridge).Decoded.Evb!.Value;
        Assert.Equal(expected, bridgeSent.Timers);
        Assert.True(bridgeSent.RwdRol);
        Assert.True(bridgeSent.RkaRol);
        // The station's own RWD and RKA won, but the bridge now sends the same values: lldpad marks a tie as the remote's.
        EvbTlv stationSent = wire.Log.Last(pdu => pdu.From == wire.Station).Decoded.Evb!.Value;
        Assert.Equal(expected, stationSent.Timers);
        Assert.True(stationSent.RwdRol);
        Assert.True(stationSent.RkaRol);
    }

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private static LldpPdu Decode(byte[] frame) =>
        LldpCodec.TryDecode(frame.AsSpan(ControlFrame.HeaderSize), out LldpPdu? pdu, out string reason) ? pdu : throw new InvalidDataException(reason);
}
