// A station port and a bridge port of 802.1Qbg on one cable, on a manual clock: every frame one sends
// reaches the other at the same instant (LLDP, ECP and VDP as real padded frames), unless its side is
// down or the test drops it. The clock jumps from deadline to deadline; the bridge's decisions are kept.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Ecp;
using Hairpin.Bridge.Core.Qbg.Vdp;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

/// <summary>One frame on the cable: when, which way, and whether it arrived.</summary>
public sealed record WireFrame(TimeSpan At, bool FromStation, byte[] Frame, bool Lost)
{
    public ushort EtherType
    {
        get
        {
            Assert.True(ControlFrame.TryRead(Frame, out _, out ushort etherType, out _));
            return etherType;
        }
    }

    public bool IsEcp => EtherType == EtherTypes.Ecp;
}

public sealed class EvbWire(EvbStationPort station, EvbBridgePort bridge)
{
    private const int MaxSteps = 1_000_000;
    private readonly Queue<(bool ToStation, byte[] Frame)> _inFlight = new();

    public EvbStationPort Station { get; } = station;
    public EvbBridgePort Bridge { get; } = bridge;
    public TimeSpan Now { get; private set; }
    public List<WireFrame> Log { get; } = [];
    public List<VsiDecision> Decisions { get; } = [];

    /// <summary>A side that is down is not ticked and hears nothing (its program stopped, or the cable is cut on its side).</summary>
    public bool StationUp { get; set; } = true;
    public bool BridgeUp { get; set; } = true;
    /// <summary>Frames for which this says true are lost on the way (the frame as sent, and whether it came from the station).</summary>
    public Func<byte[], bool, bool>? Lose { get; set; }

    /// <summary>Runs both ports deadline by deadline up to <paramref name="end"/>, delivering what they send.</summary>
    public void RunUntil(TimeSpan end)
    {
        for (int step = 0; step < MaxSteps; step++)
        {
            TimeSpan next = TimeSpan.MaxValue;
            if (StationUp && Station.NextDeadline < next)
            {
                next = Station.NextDeadline;
            }
            if (BridgeUp && Bridge.NextDeadline < next)
            {
                next = Bridge.NextDeadline;
            }
            if (next > end)
            {
                Now = end;
                return;
            }
            if (next > Now)
            {
                Now = next;
            }
            Step();
        }
        throw new InvalidOperationException($"the ports did not settle by {Now}");
    }

    /// <summary>Runs for <paramref name="duration"/> more.</summary>
    public void RunFor(TimeSpan duration) => RunUntil(Now + duration);

    /// <summary>Frames one side sent (lost or not) of one EtherType.</summary>
    public List<WireFrame> Sent(bool fromStation, ushort etherType) =>
        [.. Log.Where(frame => frame.FromStation == fromStation && frame.EtherType == etherType)];

    /// <summary>The VDPDU of one side's last ECP request (skipping ACKs); empty when it sent none.</summary>
    public byte[] LastVdp(bool fromStation)
    {
        foreach (WireFrame frame in Enumerable.Reverse(Sent(fromStation, EtherTypes.Ecp)))
        {
            ControlFrame.TryRead(frame.Frame, out _, out _, out ReadOnlySpan<byte> ecp);
            var reader = new EcpReader(ecp);
            if (reader.IsValid && reader.Header.Operation == EcpOperation.Request)
            {
                return reader.Body.ToArray();
            }
        }
        return [];
    }

    /// <summary>The host replays a deferred request on the bridge at <see cref="Now"/>; what follows is delivered.</summary>
    public bool ReplayAtBridge(VdpMessage request)
    {
        var transmit = new List<byte[]>();
        bool replayed = Bridge.Replay(request, Now, transmit, Decisions);
        Send(fromStation: false, transmit);
        Step();
        return replayed;
    }

    /// <summary>Ticks both sides at <see cref="Now"/> and delivers everything that follows from it.</summary>
    public void Step()
    {
        if (StationUp)
        {
            var transmit = new List<byte[]>();
            Station.Tick(Now, transmit);
            Send(fromStation: true, transmit);
        }
        if (BridgeUp)
        {
            var transmit = new List<byte[]>();
            Bridge.Tick(Now, transmit, Decisions);
            Send(fromStation: false, transmit);
        }
        while (_inFlight.TryDequeue(out var item))
        {
            var transmit = new List<byte[]>();
            if (item.ToStation)
            {
                Station.Receive(item.Frame, Now, transmit);
            }
            else
            {
                Bridge.Receive(item.Frame, Now, transmit, Decisions);
            }
            Send(fromStation: item.ToStation, transmit);   // the side that just received answers
        }
    }

    private void Send(bool fromStation, List<byte[]> frames)
    {
        foreach (byte[] frame in frames)
        {
            bool lost = !(fromStation ? BridgeUp : StationUp) || Lose?.Invoke(frame, fromStation) == true;
            Log.Add(new WireFrame(Now, fromStation, frame, lost));
            if (!lost)
            {
                _inFlight.Enqueue((!fromStation, frame));
            }
        }
    }
}
