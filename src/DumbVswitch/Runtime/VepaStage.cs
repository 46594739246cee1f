// The dumb vswitch's part of the forwarding thread (IForwardingStage of the shared ForwardingLoop):
// every frame a VM sent goes through the VEPA switch to the uplink, every frame from the uplink to its
// VMs, and the uplink's LLDP and ECP frames to the EVB station, which runs on this thread too (its
// timers between batches). Stopping, the station de-associates every VSI and the loop keeps
// forwarding while it waits (bounded) for the bridge's answers, then it says its LLDP goodbye.
// Nothing here allocates per frame.
using Hairpin.Bridge.Core.Frames;
using Hairpin.DumbVswitch.Station;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Runtime;

/// <summary>
/// Owns the VEPA switch's data path and the station: only the forwarding thread calls them or writes
/// Outbound queues. Port 0 of the loop is the uplink, port 1 + i the VM i.
/// </summary>
internal sealed class VepaStage : IForwardingStage
{
    /// <summary>How long a stopping vswitch waits for the bridge to answer its De-Associates.</summary>
    public static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LeavePollInterval = TimeSpan.FromMilliseconds(10);
    private const int UplinkPort = 0;

    private readonly VepaSwitch _switch;
    private readonly FramePool _pool;
    private readonly QueueEgress _egress;
    private readonly UplinkStation? _station;
    private readonly Action? _afterGoodbye;
    private TimeSpan _leaveEnd;
    private bool _leaving;

    /// <param name="pool">Where the loop's received frames come from; each goes back once switched.</param>
    /// <param name="afterGoodbye">Called once the last words are out: the transports may stop (before the loop lets the devices go, so they see a stop rather than a lost link).</param>
    public VepaStage(VepaSwitch vepaSwitch, PortQueues uplink, PortQueues[] vms, FramePool pool, UplinkStation? station = null, Action? afterGoodbye = null)
    {
        _switch = vepaSwitch;
        _pool = pool;
        _egress = new QueueEgress(uplink, vms);
        _station = station;
        _afterGoodbye = afterGoodbye;
    }

    public bool IsStopping => _leaving && _station is { Leaving: true } station && station.Now < _leaveEnd;

    /// <summary>Each frame through the switch (its copies leave at once, through the ports' queues), then back to the pool.</summary>
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

    /// <summary>Nothing waits here: the switch's copies were handed to their ports as they were decided.</summary>
    public bool Transmit(PortIo io) => false;

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

    /// <summary>The LLDP goodbye.</summary>
    public void Stopped()
    {
        _station?.Goodbye();
        _afterGoodbye?.Invoke();
    }
}
