// The dumb vswitch's one forwarding thread: sleeps until a transport signals frames, then drains
// every inbound queue through the VEPA switch in bounded bursts (so a busy VM cannot starve the
// others) until all are empty, and sleeps again.
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Runtime;

/// <summary>Owns the VEPA switch's data path: only its thread calls the switch or writes Outbound queues.</summary>
internal sealed class ForwardingLoop
{
    /// <summary>Frames taken from one port before moving to the next.</summary>
    public const int BurstLength = 64;
    private readonly VepaSwitch _switch;
    private readonly PortQueues _uplink;
    private readonly PortQueues[] _vms;
    private readonly QueueEgress _egress;
    private readonly ManualResetEventSlim _wake;
    private readonly Thread _thread;
    private volatile bool _stopping;

    public ForwardingLoop(VepaSwitch vepaSwitch, PortQueues uplink, PortQueues[] vms, ManualResetEventSlim wake)
    {
        _switch = vepaSwitch;
        _uplink = uplink;
        _vms = vms;
        _egress = new QueueEgress(uplink, vms);
        _wake = wake;
        _thread = new Thread(Run) { IsBackground = true, Name = "vepa-forwarding" };
    }

    public void Start() => _thread.Start();

    /// <summary>Asks the loop to finish its current round and waits for its thread to end.</summary>
    public void StopAndJoin()
    {
        _stopping = true;
        _wake.Set();
        if (_thread.IsAlive)
        {
            _thread.Join();
        }
    }

    private void Run()
    {
        while (!_stopping)
        {
            _wake.Wait();   // transports set it when frames arrive, StopAndJoin to stop: nothing else is timed here
            // Reset before draining: a frame queued after this point sets the event again, so no wake is lost.
            _wake.Reset();
            while (!_stopping && DrainRound())
            {
            }
        }
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
            _switch.FromUplink(frame, _egress);
            uplinkInbound.Release();
            fromUplink++;
        }
        return more || fromUplink == BurstLength;
    }
}
