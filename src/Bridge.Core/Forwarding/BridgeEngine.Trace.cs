// `hairpin trace`: what the bridge would do with one frame, stage by stage, without doing it. The
// walk lives in Tracing/FrameTracer; this file gives it read-only access to the engine's runtime
// state (storm meters, reflected-frame memory, BPDU guard backoff, queues) through ITraceState.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine : ITraceState
{
    /// <summary>
    /// Explains what the next batch would do with <paramref name="frame"/> arriving on
    /// <paramref name="ingressPort"/>: every receive-path stage it reaches, the ACL rules that decide
    /// it, the ports it would leave by and in which tag form, or why it would be dropped or trapped.
    /// Side-effect free: no FDB change, no counter, no ACL hit or cache fill, no meter token, no
    /// buffer from the pool. Like <see cref="SweepFdb"/>, it first applies a configuration published
    /// since the last batch, as that batch would.
    /// Threading: forwarding thread only, between batches (it reads the FDB and meters unlocked).
    /// Policers are named but not run (running one takes tokens), so a frame a policer would drop
    /// traces as forwarded; see specs/trace.md for this and the other limits.
    /// </summary>
    public FrameTrace Trace(int ingressPort, ReadOnlySpan<byte> frame)
    {
        ApplyPendingPlan();
        _traceNow = _time.GetTimestamp();
        return FrameTracer.Run(this, ingressPort, frame);
    }

    private long _traceNow;   // the timestamp the trace reads meters and windows at, as a batch starting now would

    internal static DropReason MalformedReasonFor(EthernetCheck check) => MalformedReason(check);

    internal static FrameKind KindFor(MacAddress destination) => KindOf(destination);

    ForwardingPlan ITraceState.Plan => _plan;

    FdbTable ITraceState.Fdb => _fdb;

    uint ITraceState.Now => (uint)(_traceNow / _frequency);

    MacAddress ITraceState.BridgeAddress => BridgeAddress;

    PortStatus ITraceState.Status(int port) => _status[port];

    bool ITraceState.LearningHeld(int vid) => (uint)(_traceNow / _frequency) < _learningHeldUntil && (_plan.VlanMembers[vid] & _learningHeldPorts) != 0;

    bool ITraceState.ControlPlaneHasRoom => ControlPlane.Count < ControlPlane.Capacity;

    int ITraceState.PoolAvailable => _pool.AvailableCount;

    ulong ITraceState.ErrorDisabledPorts => _errorDisabledPorts;

    bool ITraceState.StormMeterHasToken(int port, FrameKind kind, long framesPerSecond) =>
        _stormControl.HasToken(port, kind, framesPerSecond, _traceNow, _frequency);

    bool ITraceState.IsOwnFloodReturned(int port, FrameKind kind, ReadOnlySpan<byte> frame, bool hasCustomerTag) =>
        _pingPongGuard.RemembersFloodsOutOf(port, kind, _traceNow)
        && _pingPongGuard.IsOwnFloodReturned(port, frame, hasCustomerTag, _traceNow, _plan.PingPongWindowTicks);

    uint ITraceState.BpduGuardHoldSeconds(int port) => _bpduGuardBackoff[port].Peek((uint)(_traceNow / _frequency), _plan.BpduGuardRecoverySeconds);

    uint ITraceState.LoopHoldSeconds(int port) => _loopBackoff[port].Peek((uint)(_traceNow / _frequency), _plan.LoopRetrySeconds);

    bool ITraceState.EgressQueueHasRoom(int port, int trafficClass, int frameBytes)
    {
        Qos.EgressScheduler scheduler = _egress[port];
        int depth = Math.Min(scheduler.Config.QueueDepthFrames, _options.EgressQueueCapacity);
        return scheduler.QueuedFrames(trafficClass) < depth
            && scheduler.QueuedBytes(trafficClass) + frameBytes <= scheduler.Config.QueueDepthBytes;
    }
}
