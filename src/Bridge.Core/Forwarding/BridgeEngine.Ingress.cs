// The per-frame receive path, in the Linux bridge's order (br_handle_frame, br_handle_frame_finish),
// running the stages of Forwarding/Stages: sanity, port state and the link-local trap, VLAN ingress,
// the port's optional stages (PortPlan.Stages), learning, lookup, storm control, fan-out. A stage
// decides and writes a drop into the context; this file carries drops out and takes port actions.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>
    /// One frame through the receive path. Live, it forwards; in trace mode (BridgeEngine.Trace) the
    /// same stages run on a copy with their side effects off, each telling the context's sink what it
    /// decided: `if (TMode.Tracing)` branches vanish from the live instantiation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Receive<TMode>(ref FrameContext context, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        TraceSink? sink = TMode.Tracing ? context.Sink : null;
        if ((uint)port >= (uint)plan.PortCount)
        {
            context.Dropped(DropReason.UnknownIngressPort);
            if (TMode.Tracing)
            {
                sink!.UnknownPort();
                return;
            }
            UnknownIngressPortFrames++;
            _pool.Release(frame);
            return;
        }
        PortCounters counters = _counters[port];
        frame.SourceVsi = -1;   // set by VSI admission; not trusted from whoever hands the buffer in (a recycled one keeps its last value)
        if (!TMode.Tracing)
        {
            counters.RxFrames++;
            counters.RxBytes += frame.Length;
        }
        ulong closedPorts = _closedPorts;   // error-disabled, without link, and mirror destinations, which hear nothing and get nothing forwarded (NX-OS)
        if ((closedPorts & (1UL << port)) != 0)
        {
            ReceiveOnDownPort<TMode>(ref context);
            return;
        }

        var header = new EthernetReader(frame.Span);
        if (!header.IsValid)
        {
            SanityStage.Unreadable<TMode>(ref context, header.Check);
            DropAsDecided<TMode>(ref context);
            return;
        }
        MacAddress destination = header.Destination;
        MacAddress source = header.Source;
        FrameKind kind = SanityStage.KindOf(destination);
        context.Kind = kind;
        if (!SanityStage.Admit<TMode>(ref context, in header, kind, source, frame.Length, counters, plan))
        {
            DropAsDecided<TMode>(ref context);
            return;
        }

        ref PortPlan ingress = ref plan.Ports[port];
        // Two tests let a unicast frame on a forwarding port by; the rest (a port not forwarding, our
        // own probes, link-local addresses) is sorted out of line.
        if (ingress.State != PortState.Forwarding
            || (kind != FrameKind.Unicast && (destination.Value == LoopProbe.DestinationValue || destination.IsLinkLocalGroup || destination.Value == MacAddress.MvrpValue)))
        {
            if (!PassesPortStateAndLinkLocal<TMode>(ref context, destination, ref ingress, plan))
            {
                return;
            }
        }
        else if (TMode.Tracing)
        {
            sink!.PortState(ingress.State);
        }

        bool admitted = VlanIngressStage.Admit(ref context, in header, ref ingress, plan, out ulong members);
        if (TMode.Tracing)
        {
            sink!.VlanIngress(in header, ref ingress, admitted, context.Reason, context.Vid);
        }
        if (!admitted)
        {
            DropAsDecided<TMode>(ref context);
            return;
        }
        int vid = context.Vid;
        // The PCP classification every frame gets. No admission stage reads priority or class, so it
        // runs first (a trace still reports it after them, where a reader expects QoS).
        IngressQosStage.Classify(frame, ref ingress, plan);
        IngressStages stages = ingress.Stages;
        if (stages != IngressStages.None)
        {
            // Before learning: our own flood sent back by a reflecting neighbour must teach nothing.
            // Inline, as a hairpin port runs it on every frame and it is one compare unless a flood went out moments ago.
            if ((stages & IngressStages.PingPongGuard) != 0 && !(TMode.Tracing ? _pingPongGuard.WouldAdmit(ref context, plan.PingPongWindowTicks) : _pingPongGuard.Admit(ref context, plan.PingPongWindowTicks)))
            {
                if (TMode.Tracing)
                {
                    sink!.PingPong();
                }
                DropAsDecided<TMode>(ref context);
                return;
            }
            if ((stages & IngressStages.Admission) != 0 && !RunAdmissionStages<TMode>(ref context, source, ref ingress, plan))
            {
                return;
            }
        }
        if (TMode.Tracing)
        {
            sink!.Classified(frame.HasCustomerTag && ingress.TrustsTag);
        }
        // On ports that have it, the rest of ingress QoS.
        if ((stages & IngressStages.IngressQos) != 0 && !IngressQosStage.Admit<TMode>(ref context, source, plan, this))
        {
            DropAsDecided<TMode>(ref context);
            return;
        }
        if (_learning.Learn<TMode>(ref context, source, ref ingress, members, counters, plan.MaxLearned))
        {
            OnMoved(vid, source, port, context.Second);
        }

        ForwardByLookup<TMode>(ref context, destination, members, ref ingress, closedPorts, counters, plan);
    }

    /// <summary>
    /// The receive path from the forwarding decision on: lookup, storm control for a flood, fan-out.
    /// Learning has run; <paramref name="closedPorts"/> is as read when the frame arrived.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ForwardByLookup<TMode>(ref FrameContext context, MacAddress destination, ulong members, ref PortPlan ingress, ulong closedPorts, PortCounters counters, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        FrameKind kind = context.Kind;
        TraceSink? sink = TMode.Tracing ? context.Sink : null;
        // The delivery rule (DeliveryRule.cs): pair terms precomputed in PeerMask, the VLAN term from
        // the member mask, and ports a protection feature has taken down or whose link is down.
        ulong eligible = members & ingress.PeerMask & ~closedPorts;
        int target = LookupStage.Decide<TMode>(ref context, destination, eligible, plan, _fdb, closedPorts, _linkDownPorts, out eligible);
        if (target >= 0)
        {
            if (TMode.Tracing)
            {
                TraceEgress(ref context, target, plan, last: true);
                return;
            }
            counters.Forwarded++;
            _fanOut.Transmit<TMode>(ref context, frame, target, plan);
            return;
        }
        if (target == LookupStage.Refused)
        {
            DropAsDecided<TMode>(ref context);
            return;
        }
        if (ingress.StormControlled && !AdmitFlood<TMode>(ref context, ref ingress))
        {
            return;
        }
        ulong facingReflectors = eligible & plan.PingPongGuardedPorts & ~(1UL << port);
        if (TMode.Tracing)
        {
            if (facingReflectors != 0)
            {
                sink!.RemembersFloodTo(facingReflectors);
            }
            TraceFlood(ref context, eligible, plan);
            return;
        }
        if (facingReflectors != 0)
        {
            _pingPongGuard.RememberFloodedOut(frame, facingReflectors, kind, context.Timestamp, plan.PingPongWindowTicks);   // before Flood retags the original
        }
        counters.Forwarded++;
        counters.Flooded++;
        _fanOut.Flood<TMode>(ref context, frame, eligible, plan);
    }

    /// <summary>
    /// The admission stages the port's configuration compiled to (PortPlan.Stages): VSI admission,
    /// port security, ingress ACLs, in order; false when one consumed the frame. Out of line: a port
    /// without them never enters, and the receive path stays small.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RunAdmissionStages<TMode>(ref FrameContext context, MacAddress source, ref PortPlan ingress, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        IngressStages stages = ingress.Stages;
        // 802.1Qbg VSI admission: link-local frames (VDP itself) are trapped before; the VID is known now.
        if ((stages & IngressStages.VsiAdmission) != 0)
        {
            bool admitted = VsiAdmissionStage.Admit<TMode>(ref context, source, plan);
            if (TMode.Tracing)
            {
                context.Sink!.Vsi(admitted, context.Vid);
            }
            if (!admitted)
            {
                DropAsDecided<TMode>(ref context);
                return false;
            }
        }
        if ((stages & IngressStages.PortSecurity) != 0 && !AdmitSecureSource<TMode>(ref context, source, ref ingress, plan))
        {
            return false;
        }
        if ((stages & IngressStages.IngressAcl) != 0 && !AclStage.AdmitIngress<TMode>(ref context, source, plan))
        {
            DropAsDecided<TMode>(ref context);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Port state (Stages/PortStateStage), our own loop probes and link-local addresses
    /// (Stages/LinkLocalTrapStage), in that order: false when the frame was consumed (dropped or
    /// trapped). Link-local comes before port state's blocking check: BPDUs, LLDP and EVB must reach
    /// the control plane on a blocking port.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool PassesPortStateAndLinkLocal<TMode>(ref FrameContext context, MacAddress destination, ref PortPlan ingress, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        if (!PortStateStage.Hears<TMode>(ref context, ref ingress))
        {
            DropAsDecided<TMode>(ref context);
            return false;
        }
        if (destination == LoopProbe.Destination && ConsumeOwnProbe<TMode>(ref context))
        {
            return false;
        }
        if (destination.IsLinkLocalGroup && !ReleaseLinkLocal<TMode>(ref context, destination, ref ingress, plan))
        {
            return false;
        }
        if (destination.Value == MacAddress.MvrpValue && !_linkLocalTrap.ReleaseMvrp<TMode>(ref context, destination, ref ingress, _counters[context.Port]))
        {
            if (context.Fate != DispositionKind.ControlPlane)
            {
                DropAsDecided<TMode>(ref context);
            }
            return false;
        }
        if (!PortStateStage.Forwards<TMode>(ref context, ref ingress))
        {
            DropAsDecided<TMode>(ref context);
            return false;
        }
        return true;
    }

    /// <summary>
    /// A port without link hears nothing (as a disabled port: whatever raced the link's going down); a
    /// port down for protection nothing but, while it probes, its own loop probes; a mirror destination nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReceiveOnDownPort<TMode>(ref FrameContext context)
        where TMode : struct, IReceiveMode
    {
        if ((_linkDownPorts & (1UL << context.Port)) != 0)
        {
            if (TMode.Tracing)
            {
                context.Sink!.LinkDown();
            }
            Drop<TMode>(ref context, DropReason.IngressLinkDown);
            return;
        }
        if ((_errorDisabledPorts & (1UL << context.Port)) == 0)
        {
            Drop<TMode>(ref context, DropReason.MonitorDestination);   // not down: a mirroring session's destination
            return;
        }
        if ((_probingPorts & (1UL << context.Port)) != 0 && ConsumeOwnProbe<TMode>(ref context))
        {
            return;
        }
        if (TMode.Tracing)
        {
            context.Sink!.ErrorDisabled();
        }
        Drop<TMode>(ref context, DropReason.PortErrorDisabled);
    }

    /// <summary>True when the port's mask releases the address for normal forwarding; otherwise the frame is consumed.</summary>
    private bool ReleaseLinkLocal<TMode>(ref FrameContext context, MacAddress destination, ref PortPlan ingress, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        switch (_linkLocalTrap.Decide<TMode>(ref context, destination, ref ingress, _counters[context.Port]))
        {
            case LinkLocalOutcome.Released:
                return true;
            case LinkLocalOutcome.Trapped:
                return false;
            case LinkLocalOutcome.GuardTripped:
                DropAsDecided<TMode>(ref context);
                if (!TMode.Tracing)
                {
                    uint now = context.Second;
                    ErrorDisable(context.Port, ErrorDisableCause.BpduGuard, now, _bpduGuardBackoff[context.Port].Strike(now, plan.BpduGuardRecoverySeconds));
                }
                return false;
            default:
                DropAsDecided<TMode>(ref context);
                return false;
        }
    }

    // Out of line on purpose: drops are the slow path, and inlining them bloats the hot loop. A traced
    // frame is only marked: nothing is counted, and its buffer is the trace's own.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Drop<TMode>(ref FrameContext context, DropReason reason)
        where TMode : struct, IReceiveMode
    {
        context.Dropped(reason);
        if (TMode.Tracing)
        {
            return;
        }
        FrameBuffer frame = context.Frame;
        _counters[context.Port].CountDrop(reason);
        if (frame.SourceVsi >= 0)
        {
            _plan.VsiCounters[frame.SourceVsi].CountDrop(reason);   // a VM's frame, dropped after its port admitted it
        }
        _pool.Release(frame);
    }

    /// <summary>Live-path drop (egress-side helpers and stages that run only live).</summary>
    private void Drop(ref FrameContext context, DropReason reason) => Drop<LiveMode>(ref context, reason);
}
