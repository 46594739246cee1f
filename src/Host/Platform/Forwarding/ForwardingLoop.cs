// The one forwarding thread of both programs (the appliance and the dumb vswitch): reads every device
// port itself (packet rings, taps: PortIo) and every stream port's inbound queue into pooled buffers,
// gathering a few frames from each port in turn so a busy port cannot starve the others; hands each
// batch to the program's stage (IForwardingStage) and then lets the stage hand what it queued to the
// ports. Before every batch, however busy: devices handed over, the stage's control path (timers), a
// bounded share of management work (ForwardingThreadWork) and, once a second, the kernel's drop counts. Idle, it sleeps in
// one epoll over every device and an eventfd (PortReadiness) until a frame or request arrives or the
// stage's next timer is due: no wake-up per frame, no thread per port. Stopping, it keeps forwarding
// while the stage takes its leave (bounded by the stage), then transmits the last words and lets every
// device go. Nothing here allocates per frame.
using Hairpin.Bridge.Core.Frames;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Forwarding;

/// <summary>
/// Threading: <see cref="Start"/> once (or <see cref="Run"/> on a thread of the caller's); the stage and
/// the PortIo are then used by that thread only. <see cref="Ended"/> from any thread.
/// </summary>
public sealed partial class ForwardingLoop
{
    /// <summary>Frames gathered into one batch at most.</summary>
    public const int BatchSize = 256;
    /// <summary>Management requests served between two batches: enough to drain a burst quickly, few enough that forwarding keeps going.</summary>
    public const int WorkPerBatch = 8;
    /// <summary>The shortest sleep: a stream port's backlog or a timer due now is looked at again this soon, never in a busy spin.</summary>
    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(1);
    /// <summary>How often the kernel's drop counts of busy devices are read.</summary>
    private static readonly TimeSpan DropsInterval = TimeSpan.FromSeconds(1);
    /// <summary>While busy, the loop reads rings without asking epoll; it still looks this often (turns) for ready taps and wake-ups.</summary>
    private const int PollEveryBusyTurns = 8;
    /// <summary>
    /// A steady flow (frames in this turn and the one before) that gave a batch smaller than this is
    /// let collect for a moment (<see cref="CoalesceMicroseconds"/>) before the next turn, as a NIC
    /// coalesces interrupts: the thread otherwise spins through turns of a few frames, each paying a
    /// send syscall and the epoll and control look, and keeps its CPU busy whatever the rate. With
    /// it, speed.sh's 64-byte flood (prof runs, alternated): 0.99-1.00 -> 1.05-1.08 Mpps, CPU per
    /// frame 2.0 -> 1.55-1.69 us. A frame waits at most the sleep longer, and only in such a flow.
    /// </summary>
    private const int CoalesceBelow = 32;
    /// <summary>usleep's argument: with Linux's default 50 us timer slack the thread sleeps ~60 us (~60 frames at 1 Mpps; a ring holds 4,096).</summary>
    private const uint CoalesceMicroseconds = 10;

    private readonly IForwardingStage _stage;
    private readonly PortIo _io;
    private readonly FramePool _pool;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ForwardingThreadWork? _work;
    private readonly FrameBuffer[] _batch = new FrameBuffer[BatchSize];
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextDropsRead;

    /// <param name="io">The ports' I/O on this thread; its Wake is what ports and management work call.</param>
    /// <param name="pool">Where received frames are copied to; the stage releases them there.</param>
    /// <param name="work">Management work for this thread (made with the same wake-up as <paramref name="io"/>), or null.</param>
    public ForwardingLoop(IForwardingStage stage, PortIo io, FramePool pool, TimeProvider time, ILogger log, ForwardingThreadWork? work = null)
    {
        ArgumentNullException.ThrowIfNull(stage);
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        _stage = stage;
        _io = io;
        _pool = pool;
        _time = time;
        _log = log;
        _work = work;
    }

    /// <summary>Completes when <see cref="Run"/> has returned (the ports let go).</summary>
    public Task Ended => _ended.Task;

    /// <summary>Runs the loop on a thread of its own until <paramref name="cancellation"/> fires; <see cref="Ended"/> says when it is over.</summary>
    /// <param name="raisePriority">Ahead of ordinary work, as the kernel's own bridge is (when the process may).</param>
    public void Start(string threadName, bool raisePriority, CancellationToken cancellation)
    {
        var thread = new Thread(() =>
        {
            if (raisePriority)
            {
                _ = ForwardingThreadPriority.TryRaise();
            }
            Run(cancellation);
        })
        { IsBackground = true, Name = threadName };
        thread.Start();
    }

    /// <summary>Forwards until <paramref name="cancellation"/> fires and the stage has taken its leave, then lets the ports go.</summary>
    public void Run(CancellationToken cancellation)
    {
        try
        {
            LogStarted(_io.PortCount);
            using (cancellation.UnsafeRegister(_ => _io.Wake(), null))
            {
                var turns = new TurnState();
                while (!cancellation.IsCancellationRequested)
                {
                    Turn(ref turns);
                }
                _stage.BeginStop();
                while (_stage.IsStopping)
                {
                    Turn(ref turns);   // answers to the leave-taking still come in, and other traffic still flows
                }
            }
            _stage.Stopped();
            _ = _stage.Transmit(_io);
            _io.Close();
            LogStopped();
        }
        finally
        {
            _ended.TrySetResult();
        }
    }

    /// <summary>One look for work (a sleep when idle), the control path, one batch, and what it queued sent.</summary>
    private void Turn(ref TurnState turns)
    {
        if (!turns.Busy || ++turns.BusyTurns >= PollEveryBusyTurns)
        {
            turns.BusyTurns = 0;
            _io.Wait(turns.Busy || turns.MoreControl ? TimeSpan.Zero : turns.Backlog ? ShortestWait : UntilNextTimer());
        }
        ServeControl(ref turns);
        int gathered = _io.Gather(_pool, _batch);
        if (gathered > 0)
        {
            _stage.Process(_batch.AsSpan(0, gathered));
        }
        turns.Backlog = _stage.Transmit(_io);
        bool sustained = turns.Busy && gathered > 0;
        turns.Busy = gathered > 0;
        if (sustained && gathered < CoalesceBelow && !turns.Backlog && !turns.MoreControl)
        {
            _ = LinuxNative.usleep(CoalesceMicroseconds);
        }
    }

    private void ServeControl(ref TurnState turns)
    {
        _io.ServeHandOvers();
        turns.MoreControl = _stage.ServeControl();
        if (_work is not null)
        {
            turns.MoreControl |= _work.RunPending(WorkPerBatch);   // after the stage's timers: what `link show` reports is already logged
        }
        long now = _time.GetTimestamp();
        if (now >= _nextDropsRead)
        {
            _nextDropsRead = now + (long)(DropsInterval.TotalSeconds * _time.TimestampFrequency);
            _io.ReadDeviceDrops();
        }
    }

    /// <summary>How long an idle loop may sleep: until the stage's next timer or the next look at drop counts (none: no limit), never less than <see cref="ShortestWait"/>.</summary>
    private TimeSpan UntilNextTimer()
    {
        TimeSpan wait = _io.HasUnreadDrops ? _time.GetElapsedTime(_time.GetTimestamp(), _nextDropsRead) : Timeout.InfiniteTimeSpan;
        TimeSpan stage = _stage.UntilNextTimer();
        if (stage != Timeout.InfiniteTimeSpan && (wait == Timeout.InfiniteTimeSpan || stage < wait))
        {
            wait = stage;
        }
        return wait == Timeout.InfiniteTimeSpan || wait >= ShortestWait ? wait : ShortestWait;
    }

    /// <summary>What one turn leaves for the next.</summary>
    private struct TurnState
    {
        public bool Busy;         // the last batch had frames: look again without sleeping
        public bool Backlog;      // a stream port is backed up: look again soon
        public bool MoreControl;  // the control path left work over: come back at once
        public int BusyTurns;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "forwarding started on {Ports} ports")]
    private partial void LogStarted(int ports);

    [LoggerMessage(Level = LogLevel.Information, Message = "forwarding stopped")]
    private partial void LogStopped();
}
