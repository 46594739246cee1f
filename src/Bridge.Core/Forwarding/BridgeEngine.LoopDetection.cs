// Loop detection: probes out, and the port a probe of ours comes back on goes down, for longer each
// time the loop is found again; when its hold is over it probes before it forwards.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>How long a port whose hold is over listens for its own probes before it forwards (whole engine seconds, so 1 to 2 s).</summary>
    public const uint ProbeWindowSeconds = 2;

    // Network control: a probe must get out ahead of the very storm it is there to find.
    private const int ProbeTrafficClass = EgressSchedulerConfig.Classes - 1;

    private readonly uint[] _lastProbeSecond = new uint[BridgeConfig.MaxPorts];
    private uint _probeSequence;

    /// <summary>This bridge's own address: the source of its probes, and how it knows them again.</summary>
    public MacAddress BridgeAddress { get; }

    /// <summary>
    /// Queues one probe on each forwarding port with loop detection on (in its PVID, else its lowest
    /// VLAN, tagged as the port sends that VLAN). The host calls this every few seconds, between
    /// batches, and drains the egress rings as usual. Returns the number of probes queued.
    /// </summary>
    public int EmitLoopProbes()
    {
        ApplyPendingPlan();
        if (!_plan.Config.LoopDetection.Enabled)
        {
            return 0;
        }
        _probeSequence++;
        int sent = 0;
        for (int port = 0; port < _plan.PortCount; port++)
        {
            if (!_status[port].IsErrorDisabled && CanProbe(port) && QueueProbe(port))
            {
                sent++;
            }
        }
        return sent;
    }

    /// <summary>Loop detection is on for the bridge and the port, the port is configured to forward, and it has a VLAN to probe in (a mirror destination sends mirror copies only).</summary>
    private bool CanProbe(int port)
    {
        PortConfig config = _plan.Config.Ports[port];
        return _plan.Config.LoopDetection.Enabled && config.LoopDetection && config.State == PortState.Forwarding && ProbeVid(config) != 0
            && (_mirrorDestinationPorts & (1UL << port)) == 0;
    }

    private static int ProbeVid(PortConfig config) => config.Vlans.Pvid != 0 ? config.Vlans.Pvid : config.Vlans.Members.Vids.FirstOrDefault();

    /// <summary>A probe queued on the port; none on a port without link (it could not leave: the host would only count it lost).</summary>
    private bool QueueProbe(int port)
    {
        if ((_linkDownPorts & (1UL << port)) != 0)
        {
            return false;
        }
        if (!_pool.TryRent(out FrameBuffer? probe))
        {
            _counters[port].CountEgressDrop(DropReason.PoolExhausted);
            return false;
        }
        PortConfig config = _plan.Config.Ports[port];
        int vid = ProbeVid(config);
        ushort tag = config.Vlans.Untagged.Contains(vid) ? (ushort)0 : (ushort)vid;
        probe.SetLength(LoopProbe.Write(probe.WritableSpan, BridgeAddress, port, _probeSequence, tag));
        probe.IngressPort = port;
        probe.TrafficClass = ProbeTrafficClass;
        _counters[port].LoopProbesSent++;
        _enqueue.QueueOwnBuffer(probe, port, FrameKind.Multicast);
        return true;
    }

    /// <summary>
    /// The hold of a loop-detected port is over: before it forwards again it probes for the loop
    /// (a port-level listening state). It stays out of forwarding, sends a probe a second, and only
    /// if none came back within <see cref="ProbeWindowSeconds"/> does it forward; a probe that
    /// returns takes it straight back down with a doubled hold (ConsumeOwnProbe), so a loop that is
    /// still there never carries a frame.
    /// </summary>
    private void StartProbing(int port, uint now)
    {
        _status[port] = _status[port] with { Probing = true, RecoverAtSecond = now + ProbeWindowSeconds };
        _probingPorts |= 1UL << port;
        ProtectionEvents.Add(new ProtectionEvent(port, ProtectionEventKind.Probing, ErrorDisableCause.LoopDetected, ProbeWindowSeconds, -1, -1, now));
        QueueRecoveryProbe(port, now);
    }

    private void QueueRecoveryProbe(int port, uint now)
    {
        _lastProbeSecond[port] = now;
        _probeSequence++;
        QueueProbe(port);
    }

    /// <summary>A loop-detected port's hold: the configured retry, doubling while the loop keeps coming back.</summary>
    private uint LoopHoldSeconds(int port, uint now) => _loopBackoff[port].Strike(now, _plan.LoopRetrySeconds);

    /// <summary>
    /// True when the frame was a probe of ours (consumed); false for anything else. Which port goes
    /// down: a probing port whose probe came back, or that heard one, goes back down (it is the one
    /// on trial); otherwise the port it came back on, unless the port it left by is already down
    /// (that loop is already broken: one loop costs one port).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ConsumeOwnProbe<TMode>(ref FrameContext context)
        where TMode : struct, IReceiveMode
    {
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        uint now = context.Second;
        if (!LoopProbe.TryRead(frame.Span, out MacAddress bridge, out int sentPort) || bridge != BridgeAddress)
        {
            return false;
        }
        int guilty = -1;
        if ((uint)sentPort < (uint)_plan.PortCount)   // else sent under a configuration with more ports: nothing left to blame
        {
            ulong sentBit = 1UL << sentPort;
            guilty = (_probingPorts & sentBit) != 0 ? sentPort
                : (_probingPorts & (1UL << port)) != 0 || (_errorDisabledPorts & sentBit) == 0 ? port
                : -1;
        }
        if (TMode.Tracing)
        {
            context.Sink!.OwnProbe(sentPort, guilty);
            Drop<TMode>(ref context, DropReason.LoopProbeReturned);
            return true;
        }
        Drop<TMode>(ref context, DropReason.LoopProbeReturned);
        if (guilty >= 0)
        {
            ErrorDisable(guilty, ErrorDisableCause.LoopDetected, now, LoopHoldSeconds(guilty, now), sentPort, port);
        }
        return true;
    }
}
