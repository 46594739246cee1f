// The dumb vswitch's part of the forwarding thread (IForwardingStage of the shared ForwardingLoop):
// every frame a VM sent goes through the VEPA switch to the uplink, every frame from the uplink to its
// VMs, and the uplink's LLDP and ECP frames to the EVB station, which runs on this thread too (its
// timers between batches). The switch's copies are queued per port (QueueEgress: pooled buffers, one
// ring per port, in order) and handed to the ports after the batch (PortIo.Transmit): a device port's
// leave together, a backed-up stream port's wait in its ring. Stopping, the station de-associates
// every VSI and the loop keeps forwarding while it waits (bounded) for the bridge's answers, then it
// says its LLDP goodbye, and what is still queued is handed to the ports before the transports stop.
// Nothing here allocates per frame.
using Hairpin.Bridge.Core.Frames;
using Hairpin.DumbVswitch.Station;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Runtime;

/// <summary>
/// Owns the VEPA switch's data path, its egress rings and the station: only the forwarding thread calls
/// them or writes Outbound queues. Port 0 of the loop is the uplink, port 1 + i the VM i.
/// </summary>
internal sealed class VepaStage : IForwardingStage
{
    /// <summary>How long a stopping vswitch waits for the bridge to answer its De-Associates.</summary>
    public static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LeavePollInterval = TimeSpan.FromMilliseconds(10);
    /// <summary>
    /// Copies one port's ring holds: a whole batch's (each received frame makes at most one copy per
    /// port), so only a stream port whose peer falls behind ever finds its ring full.
    /// </summary>
    public const int DefaultQueueLength = ForwardingLoop.BatchSize;
    private const int UplinkPort = 0;

    private readonly VepaSwitch _switch;
    private readonly FramePool _pool;
    private readonly PortQueues[] _ports;
    private readonly QueueEgress _egress;
    private readonly UplinkStation? _station;
    private Action? _afterGoodbye;
    private TimeSpan _leaveEnd;
    private bool _leaving;
    private bool _saidGoodbye;

    /// <param name="pool">
    /// Where the loop's received frames come from (each goes back once switched) and the switch's copies
    /// are made (each goes back once it has left); <see cref="PoolSize"/> buffers never run short.
    /// </param>
    /// <param name="afterGoodbye">Called once the last words are out and every queued copy is handed to its port: the transports may stop (before the loop lets the devices go, so they see a stop rather than a lost link).</param>
    /// <param name="queueLength">Copies each port's ring holds.</param>
    /// <exception cref="ArgumentException">The pool's buffers are smaller than the switch's largest frame.</exception>
    public VepaStage(VepaSwitch vepaSwitch, PortQueues uplink, PortQueues[] vms, FramePool pool, UplinkStation? station = null, Action? afterGoodbye = null,
        int queueLength = DefaultQueueLength)
    {
        ArgumentNullException.ThrowIfNull(vepaSwitch);
        ArgumentNullException.ThrowIfNull(pool);
        if (pool.FrameCapacity < vepaSwitch.MaxFrameSize)
        {
            throw new ArgumentException($"frame buffers of {pool.FrameCapacity} bytes cannot hold the switch's largest frame ({vepaSwitch.MaxFrameSize} bytes)", nameof(pool));
        }
        _switch = vepaSwitch;
        _pool = pool;
        _ports = [uplink, .. vms];
        _egress = new QueueEgress(pool, _ports, queueLength);
        _station = station;
        _afterGoodbye = afterGoodbye;
    }

    /// <summary>
    /// Buffers a pool needs so that it never runs dry: a batch being received plus every port's ring
    /// full. A slow port then meets its own full ring (queue-full), never the others' shortage.
    /// </summary>
    public static int PoolSize(int ports, int queueLength = DefaultQueueLength) => ForwardingLoop.BatchSize + ports * queueLength;

    public bool IsStopping => _leaving && _station is { Leaving: true } station && station.Now < _leaveEnd;

    /// <summary>Each frame through the switch (its copies queued on their ports' rings), then back to the pool.</summary>
    public void Process(Span<FrameBuffer> batch)
    {
        foreach (FrameBuffer buffer in batch)
        {
            ReadOnlySpan<byte> frame = buffer.Span;
            if (buffer.IngressPort != UplinkPort)
            {
                _switch.FromVm(buffer.IngressPort - 1, frame, _egress);
            }
            else if (_station is not null && UplinkStation.IsControlFrame(frame))
            {
                _switch.CountTrapped(frame.Length);
                _station.Receive(frame);
            }
            else
            {
                _switch.FromUplink(frame, _egress);
            }
            _pool.Release(buffer);
        }
    }

    /// <summary>
    /// Each port's ring to the port, in order (a device's in one batch); true while a backed-up stream
    /// port keeps copies waiting. After the goodbye: the last call, so what still waits is handed over
    /// too, and the transports may stop.
    /// </summary>
    public bool Transmit(PortIo io)
    {
        ArgumentNullException.ThrowIfNull(io);
        bool backlog = false;
        for (int port = 0; port < _ports.Length; port++)
        {
            backlog |= io.Transmit(port, _egress.QueueOf(port), _pool);
        }
        if (_saidGoodbye)
        {
            if (backlog)
            {
                HandOverBacklog();
                backlog = false;
            }
            if (_afterGoodbye is Action afterGoodbye)
            {
                _afterGoodbye = null;
                afterGoodbye();
            }
        }
        return backlog;
    }

    /// <summary>The station's timers and the VMs' link states (a busy link does not hold them up).</summary>
    public bool ServeControl()
    {
        _station?.Poll();
        return false;
    }

    /// <summary>Until the station has work; while leaving, a short look for the bridge's answers; no station: no timer.</summary>
    public TimeSpan UntilNextTimer()
    {
        if (_station is null)
        {
            return Timeout.InfiniteTimeSpan;
        }
        TimeSpan wait = _station.WaitTime();
        return _leaving && wait > LeavePollInterval ? LeavePollInterval : wait;
    }

    /// <summary>
    /// De-associates every VSI; the loop keeps forwarding while the bridge answers (ECP sends one
    /// De-Associate per acknowledgement), up to <see cref="LeaveTimeout"/>.
    /// </summary>
    public void BeginStop()
    {
        if (_station is not null)
        {
            _station.BeginLeaving();
            _leaveEnd = _station.Now + LeaveTimeout;
            _leaving = true;
        }
    }

    /// <summary>The LLDP goodbye; the loop's last Transmit follows, and lets the transports stop.</summary>
    public void Stopped()
    {
        _station?.Goodbye();
        _saidGoodbye = true;
    }

    /// <summary>
    /// Stopping: copies a backed-up stream port still keeps go to it now, as they would have without the
    /// ring: into its Outbound while there is room, else counted by the port (tx-queue-full, tx-link-down).
    /// </summary>
    private void HandOverBacklog()
    {
        for (int port = 0; port < _ports.Length; port++)
        {
            FrameRing queue = _egress.QueueOf(port);
            while (queue.TryDequeue(out FrameBuffer? frame))
            {
                _ = _ports[port].Send(frame.Span);
                _pool.Release(frame);
            }
        }
    }
}
