// The dumb vswitch's one forwarding thread: sleeps until a transport signals frames (or the uplink's
// EVB station has a timer due), then drains every inbound queue through the VEPA switch in bounded
// bursts (so a busy VM cannot starve the others) until all are empty, and sleeps again. The uplink's
// LLDP and ECP frames go to the station, which runs on this thread too.
using Hairpin.DumbVswitch.Station;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Runtime;

/// <summary>Owns the VEPA switch's data path and the station: only its thread calls them or writes Outbound queues.</summary>
internal sealed class ForwardingLoop
{
    /// <summary>Frames taken from one port before moving to the next.</summary>
    public const int BurstLength = 64;
    private readonly VepaSwitch _switch;
    private readonly PortQueues _uplink;
    private readonly PortQueues[] _vms;
    private readonly QueueEgress _egress;
    private readonly ManualResetEventSlim _wake;
    private readonly UplinkStation? _station;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;

    /// <summary>How long a stopping vswitch waits for the bridge to answer its De-Associates.</summary>
    public static readonly TimeSpan LeaveTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LeavePollInterval = TimeSpan.FromMilliseconds(10);

    public ForwardingLoop(VepaSwitch vepaSwitch, PortQueues uplink, PortQueues[] vms, ManualResetEventSlim wake, UplinkStation? station = null)
    {
        _station = station;
        _switch = vepaSwitch;
        _uplink = uplink;
        _vms = vms;
        _egress = new QueueEgress(uplink, vms);
        _wake = wake;
        _thread = new Thread(Run) { IsBackground = true, Name = "vepa-forwarding" };
    }

    public void Start() => _thread.Start();

    /// <summary>
    /// Asks the loop to finish its current round (and the station to take its leave, up to
    /// <see cref="LeaveTimeout"/>) and completes when its thread has ended. Nothing blocks meanwhile: a
    /// stream transport still sending the station's last frames may need the thread pool.
    /// </summary>
    public Task StopAsync()
    {
        _stopping = true;
        _wake.Set();
        return _thread.IsAlive ? _ended.Task : Task.CompletedTask;
    }

    private void Run()
    {
        try
        {
            Forward();
        }
        finally
        {
            _ended.TrySetResult();
        }
    }

    private void Forward()
    {
        while (!_stopping)
        {
            // Transports set it when frames arrive, StopAsync to stop; the station's timers bound the wait.
            if (_station is null)
            {
                _wake.Wait();
            }
            else
            {
                _wake.Wait(_station.WaitTime());
            }
            // Reset before draining: a frame queued after this point sets the event again, so no wake is lost.
            _wake.Reset();
            _station?.Poll();
            while (!_stopping && DrainRound())
            {
                _station?.Poll();   // a busy link does not hold the station's timers up
            }
        }
        if (_station is not null)
        {
            Leave(_station);
        }
    }

    /// <summary>
    /// De-associates every VSI and waits (bounded) for the bridge's answers, still forwarding meanwhile
    /// (ECP sends one De-Associate per acknowledgement), then sends the LLDP goodbye.
    /// </summary>
    private void Leave(UplinkStation station)
    {
        station.BeginLeaving();
        TimeSpan end = station.Now + LeaveTimeout;
        while (station.Leaving && station.Now < end)
        {
            TimeSpan wait = station.WaitTime();
            _wake.Wait(wait < LeavePollInterval ? wait : LeavePollInterval);
            _wake.Reset();
            DrainRound();
            station.Poll();
        }
        station.Goodbye();
    }

    /// <summary>One burst from every port; true when some queue may still hold frames.</summary>
    private bool DrainRound()
    {
        bool more = false;
        for (int vm = 0; vm < _vms.Length; vm++)
        {
            FrameSlots inbound = _vms[vm].Inbound;
            int taken = 0;
            while (taken < BurstLength && inbound.TryPeek(out ReadOnlySpan<byte> frame))
            {
                _switch.FromVm(vm, frame, _egress);
                inbound.Release();
                taken++;
            }
            more |= taken == BurstLength;
        }
        FrameSlots uplinkInbound = _uplink.Inbound;
        int fromUplink = 0;
        while (fromUplink < BurstLength && uplinkInbound.TryPeek(out ReadOnlySpan<byte> frame))
        {
            if (_station is not null && UplinkStation.IsControlFrame(frame))
            {
                _switch.CountTrapped(frame.Length);
                _station.Receive(frame);
            }
            else
            {
                _switch.FromUplink(frame, _egress);
            }
            uplinkInbound.Release();
            fromUplink++;
        }
        return more || fromUplink == BurstLength;
    }
}
