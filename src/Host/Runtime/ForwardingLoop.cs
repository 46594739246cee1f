// The forwarding thread: reads every device port itself (packet rings, taps: PortIo) and every
// stream port's inbound queue into pooled buffers, runs them
// through the engine as one batch, and hands what the engine queued for each port to the port (device
// ports: one batched send per port per batch; a stream port's backlog stays in the engine's egress
// scheduler, so its classes are served in order when a link is slower than the bridge). Before every
// batch, however busy: protection timers, a bounded share of management work, FDB ageing, jittered
// loop probes and the protection log, so a storm cannot silence the very things that stop it. Idle,
// it sleeps in one epoll over every device and an eventfd (PortReadiness) until a frame or request
// arrives or the next timer is due: no wake-up per frame, no thread per port. Nothing here allocates
// per frame.
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Host.Qbg;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Runtime;

internal sealed partial class ForwardingLoop
{
    public const int BatchSize = 256;
    /// <summary>Management requests served between two batches: enough to drain a burst quickly, few enough that forwarding keeps going.</summary>
    public const int WorkPerBatch = 8;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);
    /// <summary>How often an idle loop looks at protection holds, so a port comes back at its time (one cheap wake-up).</summary>
    private static readonly TimeSpan ProtectionTick = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan BacklogWait = TimeSpan.FromMilliseconds(1);
    /// <summary>While busy, the loop reads rings without asking epoll; it still looks this often (turns) for ready taps and wake-ups.</summary>
    private const int PollEveryBusyTurns = 8;

    private readonly BridgeEngine _engine;
    private readonly FramePool _pool;
    private readonly PortQueues[] _ports;
    private readonly ForwardingThreadWork _work;
    private readonly PortIo _io;
    private readonly TimeProvider _time;
    private readonly LoopProbeTimer _probes;
    private readonly ILogger _log;
    private readonly ProtectionEventLog _events;
    private readonly QbgPlane _qbg;
    private readonly long _start;
    private readonly FrameBuffer[] _batch = new FrameBuffer[BatchSize];
    private readonly bool[] _linkUp;
    private long _nextSweep;

    /// <param name="io">The ports' I/O on this thread (made over the same <paramref name="ports"/>); its Wake is what ports and management work call.</param>
    public ForwardingLoop(BridgeEngine engine, PortQueues[] ports, ForwardingThreadWork work,
        PortIo io, TimeProvider time, ILogger log, QbgPlane? qbg = null)
    {
        _qbg = qbg ?? QbgPlane.Without(ports.Length);
        _linkUp = new bool[ports.Length];
        _start = time.GetTimestamp();
        _engine = engine;
        _pool = engine.Pool;
        _ports = ports;
        _work = work;
        _io = io;
        _time = time;
        _log = log;
        _probes = new LoopProbeTimer(TimeSpan.FromSeconds(5), new Random());
        _events = new ProtectionEventLog(log, [.. ports.Select(port => port.PortName)]);
    }

    /// <summary>Frames the engine trapped for the control plane (LLDP, ECP, BPDUs on ports without guard), whoever took them.</summary>
    public long ControlPlaneFrames { get; private set; }

    /// <summary>Frames trapped on ports without `evb:` (or not LLDP/ECP): counted and released.</summary>
    public long ControlPlaneIgnored { get; private set; }

    /// <summary>Time since the loop was made: the clock of the protocol machines.</summary>
    public TimeSpan Now => _time.GetElapsedTime(_start);

    public void Run(CancellationToken cancellation)
    {
        LogStarted(_ports.Length);
        using (cancellation.UnsafeRegister(_ => _io.Wake(), null))
        {
            bool busy = false;
            bool backlog = false;
            int busyTurns = 0;
            while (!cancellation.IsCancellationRequested)
            {
                if (!busy || ++busyTurns >= PollEveryBusyTurns)
                {
                    busyTurns = 0;
                    _io.Wait(busy ? TimeSpan.Zero : backlog ? BacklogWait : UntilNextTimer());
                }
                ServeControl();
                int gathered = _io.Gather(_pool, _batch);
                if (gathered > 0)
                {
                    _engine.ProcessBatch(_batch.AsSpan(0, gathered));
                }
                backlog = Transmit();
                ReleaseControlPlane();
                busy = gathered > 0;
            }
        }
        _qbg.Shutdown();   // stations hear TTL 0 and drop relay at once, rather than in 120 s
        Transmit();
        _io.Close();
        LogStopped();
    }

    /// <summary>Hands queued frames to each port; true when some remain because a stream port is backed up.</summary>
    private bool Transmit()
    {
        bool backlog = false;
        for (int port = 0; port < _ports.Length; port++)
        {
            backlog |= _io.Transmit(port, _engine.Egress(port), _pool);
        }
        return backlog;
    }

    private void ReleaseControlPlane()
    {
        TimeSpan now = Now;
        while (_engine.ControlPlane.TryDequeue(out FrameBuffer? frame))
        {
            ControlPlaneFrames++;
            if (_qbg.Runs(frame.IngressPort))
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

    /// <summary>
    /// The control path, between batches: ports whose hold is over come back (or start probing),
    /// protection events are logged, management requests run (a bounded number; the rest wake the
    /// loop again at once), the FDB ages once a second, and probes go out on their timer. Probes
    /// queued here leave with the Transmit that follows the batch.
    /// </summary>
    private void ServeControl()
    {
        _io.ServeHandOvers();
        _engine.RunProtectionTimers();
        _events.Drain(_engine);   // before management answers: what `link show` reports is already logged
        if (_work.RunPending(_engine, WorkPerBatch))
        {
            _io.Wake();
        }
        long now = _time.GetTimestamp();
        long frequency = _time.TimestampFrequency;
        if (now >= _nextSweep)
        {
            _nextSweep = now + (long)(SweepInterval.TotalSeconds * frequency);
            _engine.SweepFdb();
            _io.ReadDeviceDrops();
        }
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
            }
            _linkUp[port] = up;
        }
        _qbg.Tick(Now);
    }

    /// <summary>How long an idle loop may sleep: until the next FDB sweep or probe round, and never past a protection tick.</summary>
    private TimeSpan UntilNextTimer()
    {
        long due = Math.Min(_nextSweep, _probes.Due);
        TimeSpan wait = _time.GetElapsedTime(_time.GetTimestamp(), due);
        TimeSpan control = _qbg.NextDeadline - Now;
        if (control < wait)
        {
            wait = control;
        }
        return wait < BacklogWait ? BacklogWait : wait > ProtectionTick ? ProtectionTick : wait;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "forwarding started on {Ports} ports")]
    private partial void LogStarted(int ports);

    [LoggerMessage(Level = LogLevel.Information, Message = "forwarding stopped")]
    private partial void LogStopped();
}
