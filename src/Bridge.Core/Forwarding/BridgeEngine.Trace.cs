// `hairpin trace`: what the bridge would do with one frame, stage by stage, without doing it. The
// engine's own receive path runs on a copy of the frame in trace mode (ReceiveMode.cs): the stages
// decide as they do for real, with their side effects off, and tell a TraceSink (Tracing/), which
// writes the decisions down. This file starts a trace, walks a trace's egress copies (the live path's
// fan-out stage queues buffers; a trace only says what each copy would be) and gives the sink
// read-only access to the engine's runtime state (error-disable, backoffs, queues) through ITraceState.
using System.Numerics;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Qos;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine : ITraceState
{
    private long _traceNow;   // the timestamp the trace reads meters and windows at, as a batch starting now would

    /// <summary>
    /// Explains what the next batch would do with <paramref name="frame"/> arriving on
    /// <paramref name="ingressPort"/>: every receive-path stage it reaches, the ACL rules that decide
    /// it, the ports it would leave by and in which tag form, or why it would be dropped or trapped.
    /// Side-effect free: no FDB change, no counter, no ACL hit or cache fill, no meter token, no
    /// buffer from the pool. Like <see cref="SweepFdb"/>, it first applies a configuration published
    /// since the last batch, and the mirroring sessions started or stopped since, as that batch would.
    /// Threading: forwarding thread only, between batches (it reads the FDB and meters unlocked).
    /// Policers are named but not run (running one takes tokens), so a frame a policer would drop
    /// traces as forwarded; see specs/trace.md for this and the other limits.
    /// </summary>
    public FrameTrace Trace(int ingressPort, ReadOnlySpan<byte> frame)
    {
        ApplyPendingPlan();
        _traceNow = _time.GetTimestamp();
        RefreshMirrors(_plan, _traceNow);   // sessions started or stopped since the last batch, as that batch would take them
        var copy = new FrameBuffer(Math.Max(frame.Length, 64));   // the trace's own: stages that remark or retag change it, never the caller's bytes
        copy.TryCopyFrom(frame);
        copy.IngressPort = ingressPort;
        var sink = new TraceSink(this, copy);
        FrameContext context = default;
        context.StartBatch(_traceNow, (uint)(_traceNow / _frequency));
        context.Begin(copy);
        context.BeginDisposition();
        context.Sink = sink;
        Receive<TraceMode>(ref context, _plan);
        return sink.Seal(context.Fate, context.Reason);
    }

    /// <summary>A traced flood: each copy in port order, the last as the one that may take the original.</summary>
    private void TraceFlood(ref FrameContext context, ulong targets, ForwardingPlan plan)
    {
        while (targets != 0)
        {
            int port = BitOperations.TrailingZeroCount(targets);
            targets &= targets - 1;
            TraceEgress(ref context, port, plan, last: targets == 0);
        }
    }

    /// <summary>
    /// One traced copy: the egress ACL stage (peeking), the buffer and queue room it would need, and
    /// its rules' actions on the frame, which is then put back as it was for the next copy.
    /// </summary>
    private void TraceEgress(ref FrameContext context, int port, ForwardingPlan plan, bool last)
    {
        FrameBuffer frame = context.Frame;
        TraceSink sink = context.Sink!;
        ushort priorityBits = frame.PriorityBits;
        byte trafficClass = frame.TrafficClass;
        byte[] bytes = frame.Span.ToArray();   // egress remarks change this copy only
        bool wantTag = EgressTaggingStage.WantsTag(plan, frame.Vid, port);
        context.EgressPortRuleAction = RuleAction.None;
        context.EgressVmRuleAction = RuleAction.None;
        DropReason? drop = plan.Ports[port].HasEgressPolicy ? AclStage.RefuseEgress<TraceMode>(ref context, frame, port, plan, vsi: null) : null;
        bool hasActions = !(context.EgressPortRuleAction.IsNone && context.EgressVmRuleAction.IsNone);
        drop = sink.EgressCopy(last, wantTag, drop, hasActions, out bool sharesOriginal);
        if (drop is null)
        {
            MeterColor color = RuleActions.ColorOf(frame);
            RuleActions.Apply<TraceMode>(ref context, frame, context.EgressPortRuleAction, plan, ref color, port, this);
            RuleActions.Apply<TraceMode>(ref context, frame, context.EgressVmRuleAction, plan, ref color, port, this);
        }
        sink.EgressDone(port, wantTag, drop, sharesOriginal);
        frame.PriorityBits = priorityBits;
        frame.TrafficClass = trafficClass;
        bytes.CopyTo(frame.Span);
    }

    ForwardingPlan ITraceState.Plan => _plan;

    FdbTable ITraceState.Fdb => _fdb;

    uint ITraceState.Now => (uint)(_traceNow / _frequency);

    PortStatus ITraceState.Status(int port) => _status[port];

    bool ITraceState.ControlPlaneHasRoom => ControlPlane.Count < ControlPlane.Capacity;

    int ITraceState.PoolAvailable => _pool.AvailableCount;

    ulong ITraceState.ErrorDisabledPorts => _errorDisabledPorts;

    ulong ITraceState.LinkDownPorts => _linkDownPorts;

    ulong ITraceState.MirrorDestinationPorts => _mirrorDestinationPorts;

    uint ITraceState.BpduGuardHoldSeconds(int port) => _bpduGuardBackoff[port].Peek((uint)(_traceNow / _frequency), _plan.BpduGuardRecoverySeconds);

    uint ITraceState.LoopHoldSeconds(int port) => _loopBackoff[port].Peek((uint)(_traceNow / _frequency), _plan.LoopRetrySeconds);

    bool ITraceState.EgressQueueHasRoom(int port, int trafficClass, int frameBytes)
    {
        EgressScheduler scheduler = _enqueue.Queues[port];
        int depth = Math.Min(scheduler.Config.QueueDepthFrames, _options.EgressQueueCapacity);
        return scheduler.QueuedFrames(trafficClass) < depth
            && scheduler.QueuedBytes(trafficClass) + frameBytes <= scheduler.Config.QueueDepthBytes;
    }
}
