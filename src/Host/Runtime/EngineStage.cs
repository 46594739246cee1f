// The appliance's part of the forwarding thread (IForwardingStage of the shared ForwardingLoop): each
// batch runs through the engine, and what the engine queued for each port is handed to the port
// (device ports: one batched send per port per batch; a stream port's backlog stays in the engine's
// egress scheduler, so its classes are served in order when a link is slower than the bridge).
// Between batches, however busy (before the loop's share of management work): protection timers, FDB ageing,
// jittered loop probes, flow expiry (IPFIX), the protection log and the 802.1Qbg plane, so a storm cannot silence the very
// things that stop it. MVRPDUs trapped on MVRP ports go to the MVRP plane, which is ticked here too. Nothing here allocates per frame.
// Each port's link (peer there, interface up with carrier) is the engine's link state (BridgeEngine.SetLinkUp),
// looked at before every batch and between batches: a port whose link is down (peer gone or not there
// yet, interface down, no carrier) is out of forwarding as the Linux bridge disables it: no flood copy and
// no unicast goes its way (nothing for the port to count as tx-link-down but what was queued before the
// engine heard), and what the FDB learned on it is gone: its hosts are flooded for (and learned again) elsewhere.
using Hairpin.Bridge.Core.Flows;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Mvrp;
using Hairpin.Host.Qbg;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Runtime;

/// <summary>Forwarding thread only, except the counters and <see cref="Now"/>.</summary>
internal sealed class EngineStage : IForwardingStage
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
    /// <summary>How often an idle loop looks at protection holds, so a port comes back at its time (one cheap wake-up).</summary>
    private static readonly TimeSpan ProtectionTick = TimeSpan.FromMilliseconds(100);

    private readonly BridgeEngine _engine;
    private readonly FramePool _pool;
    private readonly PortQueues[] _ports;
    private readonly TimeProvider _time;
    private readonly LoopProbeTimer _probes;
    private readonly ProtectionEventLog _events;
    private readonly QbgPlane _qbg;
    private readonly MvrpPlane? _mvrp;
    private readonly FlowMonitor? _flows;
    private readonly long _start;
    private readonly bool[] _linkUp;
    private readonly long[] _linkDownsSeen;   // each port's LinkDowns at the last look: a down and up between two looks still flushes
    private long _nextSweep;

    /// <param name="flows">The engine's flow monitor (IPFIX export), whose flows this stage expires between batches; null: none.</param>
    /// <param name="mvrp">MVRP on the `mvrp:` ports, fed the MVRPDUs trapped there and ticked here; null: none.</param>
    public EngineStage(BridgeEngine engine, PortQueues[] ports, TimeProvider time, ILogger log, QbgPlane? qbg = null, FlowMonitor? flows = null, MvrpPlane? mvrp = null)
    {
        _mvrp = mvrp;
        _flows = flows;
        _qbg = qbg ?? QbgPlane.Without(ports.Length);
        _linkUp = new bool[ports.Length];
        _linkDownsSeen = new long[ports.Length];
        _start = time.GetTimestamp();
        _engine = engine;
        _pool = engine.Pool;
        _ports = ports;
        _time = time;
        _probes = new LoopProbeTimer(TimeSpan.FromSeconds(5), new Random());
        _events = new ProtectionEventLog(log, [.. ports.Select(port => port.PortName)]);
    }

    /// <summary>Frames the engine trapped for the control plane (LLDP, ECP, BPDUs on ports without guard), whoever took them.</summary>
    public long ControlPlaneFrames { get; private set; }

    /// <summary>Frames trapped on ports without `evb:` (or not LLDP/ECP): counted and released.</summary>
    public long ControlPlaneIgnored { get; private set; }

    /// <summary>Time since the stage was made: the clock of the protocol machines.</summary>
    public TimeSpan Now => _time.GetElapsedTime(_start);

    public bool IsStopping => false;

    /// <summary>A loop over these ports, on <paramref name="io"/>, with this stage (and <paramref name="work"/> between batches).</summary>
    public ForwardingLoop CreateLoop(PortIo io, ILogger log, ForwardingThreadWork? work = null) => new(this, io, _pool, _time, log, work);

    public void Process(Span<FrameBuffer> batch)
    {
        FollowLinksUp();
        _engine.ProcessBatch(batch);
    }

    /// <summary>Hands queued frames to each port, then the trapped frames to the control plane; true when some remain because a stream port is backed up.</summary>
    public bool Transmit(PortIo io)
    {
        bool backlog = false;
        for (int port = 0; port < _ports.Length; port++)
        {
            backlog |= io.Transmit(port, _engine.Egress(port), _pool);
        }
        ReleaseControlPlane();
        return backlog;
    }

    /// <summary>
    /// The control path, between batches: the ports' links go to the engine, ports whose hold is over come back (or start probing),
    /// protection events are logged (before the loop runs management requests, so what `link show`
    /// reports is already logged), the FDB ages once a second, and probes go out on their timer. Probes
    /// queued here leave with the Transmit that follows the batch.
    /// </summary>
    public bool ServeControl()
    {
        FollowLinks();   // first: no probe or recovery is queued for a port that has just lost its link
        _engine.RunProtectionTimers();
        _events.Drain(_engine);   // before management answers: what `link show` reports is already logged
        long now = _time.GetTimestamp();
        long frequency = _time.TimestampFrequency;
        if (now >= _nextSweep)
        {
            _nextSweep = now + (long)(SweepInterval.TotalSeconds * frequency);
            _engine.SweepFdb();
        }
        _flows?.Expire(now);   // two comparisons when no flow is due
        if (_probes.IsDue(now, frequency))
        {
            _engine.EmitLoopProbes();
        }
        for (int port = 0; port < _ports.Length; port++)
        {
            bool up = _ports[port].IsUp;
            if (up && !_linkUp[port])
            {
                _qbg.LinkUp(port);   // at start too: the first LLDP may have gone before the socket was open
                _mvrp?.LinkUp(port, Now);   // and the first MVRPDUs
            }
            else if (!up && _linkUp[port])
            {
                _mvrp?.LinkDown(port, Now);   // its registrations go now, not a LeaveAll later
            }
            _linkUp[port] = up;
        }
        _qbg.Tick(Now);
        _mvrp?.Tick(Now);
        return false;
    }

    /// <summary>Until the next FDB sweep, probe round or 802.1Qbg timer, and never past a protection tick.</summary>
    public TimeSpan UntilNextTimer()
    {
        long due = Math.Min(_nextSweep, _probes.Due);
        TimeSpan wait = _time.GetElapsedTime(_time.GetTimestamp(), due);
        TimeSpan next = _mvrp is not null && _mvrp.NextDeadline < _qbg.NextDeadline ? _mvrp.NextDeadline : _qbg.NextDeadline;
        TimeSpan control = next - Now;
        if (control < wait)
        {
            wait = control;
        }
        return wait > ProtectionTick ? ProtectionTick : wait;
    }

    public void BeginStop()
    {
        // The appliance takes no leave: its stations hear TTL 0 (Stopped) and let go at once.
    }

    public void Stopped()
    {
        _qbg.Shutdown();   // stations hear TTL 0 and drop relay at once, rather than in 120 s
        if (_flows is not null)
        {
            _engine.SetFlowMonitor(null);
            _flows.Flush();   // the flows still open end now (forced end) and the exporter sends them before it stops
        }
    }

    /// <summary>
    /// The ports' links as the engine's link state. A port that went down since the last look is taken
    /// down in the engine even when it is up again (its learned and sticky entries go; the operator's
    /// static ones stay), so a flap shorter than the look still flushes. A compare per port when nothing changed.
    /// </summary>
    private void FollowLinks()
    {
        for (int port = 0; port < _ports.Length; port++)
        {
            PortQueues queues = _ports[port];
            long downs = queues.Counters.LinkDowns;   // before IsUp: a port going down in between is seen down now
            bool up = queues.IsUp;
            if (downs != _linkDownsSeen[port])
            {
                _linkDownsSeen[port] = downs;
                _engine.SetLinkUp(port, false);
            }
            _engine.SetLinkUp(port, up);
        }
    }

    /// <summary>
    /// Before a batch, after it was gathered: a port whose peer came since the last look is up for the
    /// frames it sent (a stream port is marked up before its first frame is read). A port that went down
    /// is taken down at the next look (ServeControl, right after this batch is sent), not here: what was
    /// gathered from it came, but for a race, while it was up.
    /// </summary>
    private void FollowLinksUp()
    {
        for (int port = 0; port < _ports.Length; port++)
        {
            if (_ports[port].IsUp)
            {
                _engine.SetLinkUp(port, true);
            }
        }
    }

    private void ReleaseControlPlane()
    {
        TimeSpan now = Now;
        while (_engine.ControlPlane.TryDequeue(out FrameBuffer? frame))
        {
            ControlPlaneFrames++;
            if (_mvrp is not null && frame.Span.Length >= 6 && MacAddress.Read(frame.Span).Value == MacAddress.MvrpValue)
            {
                _mvrp.Receive(frame.IngressPort, frame.Span, now);   // the engine traps MVRPDUs on MVRP ports only
            }
            else if (_qbg.Runs(frame.IngressPort))
            {
                _qbg.Receive(frame.IngressPort, frame.Span, now);
            }
            else
            {
                ControlPlaneIgnored++;
            }
            _pool.Release(frame);
        }
    }
}
