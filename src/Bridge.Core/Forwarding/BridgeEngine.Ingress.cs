// The per-frame receive path, in the Linux bridge's order (br_handle_frame, br_handle_frame_finish):
// sanity, source address, link-local addresses, port state, VLAN ingress (Stages/VlanIngressStage),
// the port's optional stages (PortPlan.Stages), learning, forwarding decision.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Receive(ref FrameContext context, ForwardingPlan plan)
    {
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        if ((uint)port >= (uint)plan.PortCount)
        {
            UnknownIngressPortFrames++;
            context.Dropped(DropReason.UnknownIngressPort);
            _pool.Release(frame);
            return;
        }
        PortCounters counters = _counters[port];
        context.Counters = counters;
        frame.SourceVsi = -1;   // set by VSI admission; not trusted from whoever hands the buffer in (a recycled one keeps its last value)
        counters.RxFrames++;
        counters.RxBytes += frame.Length;
        if ((_errorDisabledPorts & (1UL << port)) != 0)
        {
            ReceiveOnDownPort(ref context);
            return;
        }

        var header = new EthernetReader(frame.Span);
        if (!header.IsValid)
        {
            Drop(ref context, MalformedReason(header.Check));
            return;
        }
        MacAddress destination = header.Destination;
        MacAddress source = header.Source;
        FrameKind kind = KindOf(destination);
        context.Kind = kind;
        CountReceived(counters, kind);
        if (frame.Length > plan.MaxFrameSize)
        {
            Drop(ref context, DropReason.MalformedOversized);
            return;
        }
        if (source.IsGroup || source.IsZero)
        {
            Drop(ref context, DropReason.InvalidSourceMac);
            return;
        }

        ref PortPlan ingress = ref plan.Ports[port];
        if (ingress.State == PortState.Disabled)
        {
            Drop(ref context, DropReason.IngressPortDisabled);
            return;
        }
        if (destination == LoopProbe.Destination && ConsumeOwnProbe(ref context))
        {
            return;
        }
        // Link-local before port state: BPDUs, LLDP and EVB must reach the control plane on a blocking port.
        if (destination.IsLinkLocalGroup && !ReleaseLinkLocal(ref context, destination, plan))
        {
            return;
        }
        if (ingress.State != PortState.Forwarding)
        {
            Drop(ref context, DropReason.IngressPortBlocking);
            return;
        }

        if (!VlanIngressStage.Admit(ref context, in header, ref ingress, plan))
        {
            DropAsDecided(ref context);
            return;
        }
        int vid = context.Vid;
        ulong members = plan.VlanMembers[vid];
        // The PCP classification every frame gets. None of the optional stages reads priority or
        // class before ingress QoS, which starts from this.
        Classify(frame, ref ingress, plan);
        IngressStages stages = ingress.Stages;
        if (stages != IngressStages.None)
        {
            // Before learning: our own flood sent back by a reflecting neighbour must teach nothing.
            // Inline, as a hairpin port runs it on every frame and it is one compare unless a flood went out moments ago.
            if ((stages & IngressStages.PingPongGuard) != 0 && !_pingPongGuard.Admit(ref context, plan.PingPongWindowTicks))
            {
                DropAsDecided(ref context);
                return;
            }
            if ((stages & ~IngressStages.PingPongGuard) != 0 && !RunOptionalStages(ref context, source, ref ingress, plan))
            {
                return;
            }
        }
        uint now = context.Second;
        if (ingress.Learning && (now >= _learningHeldUntil || (members & _learningHeldPorts) == 0))
        {
            Learn(counters, vid, source, port, now, ingress.MaxLearned, plan.MaxLearned);
        }

        // The delivery rule (DeliveryRule.cs): pair terms precomputed in PeerMask, the VLAN term from
        // the member mask, and ports a protection feature has taken down.
        ulong eligible = members & ingress.PeerMask & ~_errorDisabledPorts;
        if (kind == FrameKind.Unicast)
        {
            int target = _fdb.Lookup(vid, destination);
            if (target >= 0)
            {
                if ((eligible & (1UL << target)) == 0)
                {
                    Drop(ref context, DeliveryRule.WhyNot(plan, port, target, vid, _errorDisabledPorts));
                    return;
                }
                counters.Forwarded++;
                Transmit(ref context, frame, target, plan);
                return;
            }
            eligible &= plan.UnknownUnicastFloodPorts;
        }
        else
        {
            eligible &= kind == FrameKind.Broadcast ? plan.BroadcastFloodPorts : plan.MulticastFloodPorts;
        }
        context.Fate = DispositionKind.Flooded;
        if (eligible == 0)
        {
            Drop(ref context, DropReason.NoEligiblePort);
            return;
        }
        if (ingress.StormControlled && !AdmitFlood(ref context, ref ingress))
        {
            return;
        }
        ulong facingReflectors = eligible & plan.PingPongGuardedPorts & ~(1UL << port);
        if (facingReflectors != 0)
        {
            _pingPongGuard.RememberFloodedOut(frame, facingReflectors, kind, context.Timestamp, plan.PingPongWindowTicks);   // before Flood retags the original
        }
        counters.Forwarded++;
        counters.Flooded++;
        Flood(ref context, frame, eligible, plan);
    }

    /// <summary>
    /// The optional stages after the ping-pong guard that the port's configuration compiled to
    /// (PortPlan.Stages), in order; false when one consumed the frame. Out of line: a port without
    /// them never enters.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool RunOptionalStages(ref FrameContext context, MacAddress source, ref PortPlan ingress, ForwardingPlan plan)
    {
        IngressStages stages = ingress.Stages;
        // 802.1Qbg VSI admission: link-local frames (VDP itself) are trapped before; the VID is known now.
        if ((stages & IngressStages.VsiAdmission) != 0 && !VsiAdmissionStage.Admit(ref context, source, plan))
        {
            DropAsDecided(ref context);
            return false;
        }
        if ((stages & IngressStages.PortSecurity) != 0 && !AdmitSecureSource(ref context, source, ref ingress))
        {
            return false;
        }
        if ((stages & IngressStages.IngressAcl) != 0 && !AclStage.AdmitIngress(ref context, source, plan))
        {
            DropAsDecided(ref context);
            return false;
        }
        return (stages & IngressStages.IngressQos) == 0 || ApplyIngressQos(ref context, source, plan);
    }

    /// <summary>A port down for protection hears nothing, except, while it probes, its own loop probes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ReceiveOnDownPort(ref FrameContext context)
    {
        if ((_probingPorts & (1UL << context.Port)) != 0 && ConsumeOwnProbe(ref context))
        {
            return;
        }
        Drop(ref context, DropReason.PortErrorDisabled);
    }

    /// <summary>True when the port's mask releases the address for normal forwarding; otherwise the frame is consumed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ReleaseLinkLocal(ref FrameContext context, MacAddress destination, ForwardingPlan plan)
    {
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        uint now = context.Second;
        ref PortPlan ingress = ref plan.Ports[port];
        if (ingress.BpduGuard && BpduDetector.IsSpanningTreeBpdu(frame.Span))
        {
            Drop(ref context, DropReason.BpduGuard);
            ErrorDisable(port, ErrorDisableCause.BpduGuard, now, _bpduGuardBackoff[port].Strike(now, plan.BpduGuardRecoverySeconds));
            return false;
        }
        switch (LinkLocalPolicy.Decide(destination.LinkLocalIndex, ingress.GroupForwardMask))
        {
            case LinkLocalAction.Forward:
                return true;
            case LinkLocalAction.Drop:
                Drop(ref context, DropReason.PauseFrame);
                return false;
            default:
                if (ControlPlane.TryEnqueue(frame))
                {
                    context.Counters.Trapped++;
                    context.Fate = DispositionKind.ControlPlane;
                }
                else
                {
                    Drop(ref context, DropReason.ControlPlaneQueueFull);
                }
                return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Learn(PortCounters counters, int vid, MacAddress source, int port, uint now, int portLimit, int bridgeLimit)
    {
        LearnOutcome outcome = _fdb.Learn(vid, source, port, now, portLimit, bridgeLimit);
        if (outcome != LearnOutcome.Refreshed)
        {
            AfterLearning(counters, outcome, vid, source, port, now);   // a known host refreshing itself is the common case
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AfterLearning(PortCounters counters, LearnOutcome outcome, int vid, MacAddress source, int port, uint now)
    {
        switch (outcome)
        {
            case LearnOutcome.Learned:
                counters.Learned++;
                break;
            case LearnOutcome.Moved:
                counters.MovedIn++;
                OnMoved(vid, source, port, now);
                break;
            case LearnOutcome.LimitReached:
                counters.LearnLimitHits++;
                break;
            default:
                break;
        }
    }

    // Out of line on purpose: drops are the slow path, and inlining them bloats the hot loop.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Drop(ref FrameContext context, DropReason reason)
    {
        FrameBuffer frame = context.Frame;
        context.Dropped(reason);
        context.Counters.CountDrop(reason);
        if (frame.SourceVsi >= 0)
        {
            _plan.VsiCounters[frame.SourceVsi].CountDrop(reason);   // a VM's frame, dropped after its port admitted it
        }
        _pool.Release(frame);
    }

    private static DropReason MalformedReason(EthernetCheck check) => check switch
    {
        EthernetCheck.Runt => DropReason.MalformedRunt,
        EthernetCheck.TruncatedTag => DropReason.MalformedTruncatedTag,
        EthernetCheck.InvalidLengthField => DropReason.MalformedLengthField,
        _ => DropReason.MalformedTruncatedPayload,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FrameKind KindOf(MacAddress destination) =>
        !destination.IsGroup ? FrameKind.Unicast : destination.IsBroadcast ? FrameKind.Broadcast : FrameKind.Multicast;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountReceived(PortCounters counters, FrameKind kind)
    {
        switch (kind)
        {
            case FrameKind.Unicast:
                counters.RxUnicast++;
                break;
            case FrameKind.Multicast:
                counters.RxMulticast++;
                break;
            default:
                counters.RxBroadcast++;
                break;
        }
    }
}
