// The appliance's 802.1Qbg plane between two stations (two servers' uplinks on its first two evb:
// ports), on a manual clock, optionally with a VSI store: what the plane's unit tests drive. Work the
// plane posts (a claim settled) runs at the start of each 10 ms step, as the forwarding loop runs it
// between batches; a station's reply goes back on that station's own port.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Qbg;

namespace Hairpin.Host.Tests.Infrastructure;

internal sealed class TwoStationPlane
{
    private readonly List<(int Port, byte[] Frame)> _fromBridge = [];
    private readonly Queue<Action> _posted = new();
    private TimeSpan _now;

    public TwoStationPlane(HostConfig config, ScriptedVsiStore? store = null)
    {
        Store = store;
        Plane = store is null
            ? new QbgPlane(config, MacAddress.Parse("02:00:00:00:b0:00"), () => config,
                (port, frame) => _fromBridge.Add((port, frame)), state => Published = state, Log.CreateLogger("hairpin.qbg"))
            : new QbgPlane(config, MacAddress.Parse("02:00:00:00:b0:00"), () => config,
                (port, frame) => _fromBridge.Add((port, frame)), state => Published = state, Log.CreateLogger("hairpin.qbg"),
                store, Post, () => _now)
            {
                LocalCounters = _ => VsiCountersSnapshot.Empty,
            };
        Servers = [new EvbStationPort(MacAddress.Parse("02:00:00:00:5a:01"), new EvbSettings()),
                   new EvbStationPort(MacAddress.Parse("02:00:00:00:5a:02"), new EvbSettings())];
    }

    public ScriptedVsiStore? Store { get; }
    public QbgPlane Plane { get; }
    public EvbStationPort[] Servers { get; }
    public QbgState? Published { get; private set; }
    public CapturingLogger Log { get; } = new();

    /// <summary>Runs <paramref name="action"/> at the next step, as work handed to the forwarding thread.</summary>
    public void Post(Action action)
    {
        lock (_posted)
        {
            _posted.Enqueue(action);
        }
    }

    public void RunFor(TimeSpan span)
    {
        TimeSpan end = _now + span;
        var fromStation = new List<byte[]>();
        for (; _now < end; _now += TimeSpan.FromMilliseconds(10))
        {
            while (TryTakePosted(out Action? action))
            {
                action!();
            }
            Plane.Tick(_now);
            List<(int Port, byte[] Frame)> delivered = [.. _fromBridge];
            _fromBridge.Clear();
            foreach ((int port, byte[] frame) in delivered)
            {
                Servers[port].Receive(frame, _now, fromStation);
                foreach (byte[] reply in fromStation)
                {
                    Plane.Receive(port, reply, _now);   // a station's reply goes back on its own port
                }
                fromStation.Clear();
            }
            for (int port = 0; port < Servers.Length; port++)
            {
                Servers[port].Tick(_now, fromStation);
                foreach (byte[] frame in fromStation)
                {
                    Plane.Receive(port, frame, _now);
                }
                fromStation.Clear();
            }
        }
    }

    private bool TryTakePosted(out Action? action)
    {
        lock (_posted)
        {
            return _posted.TryDequeue(out action);
        }
    }
}
