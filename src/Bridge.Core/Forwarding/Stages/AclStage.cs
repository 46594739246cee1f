// The ACL stages: a frame from a port with ingress policy is classified once (L2 to L4) and checked
// against the VM's ACL and the port's; each copy leaving by a port with egress policy is checked
// against that port's ACL and the destination VM's. Deny drops (`acl-denied`); headers an ACL needs
// but cannot read drop too (`malformed-headers`): policy never fails open. A rule that decides for a
// VSI's frame (from it, or a unicast copy to it) is counted to the VSI by its verdict. The flow key
// and the deciding rules' actions go into the frame's context, for QoS and for every later copy.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal static class AclStage
{
    /// <summary>False when an ingress ACL refuses the frame: the context then carries the drop.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool AdmitIngress<TMode>(ref FrameContext context, MacAddress source, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        if (!TryFlowKey(ref context))
        {
            if (TMode.Tracing)
            {
                context.Sink!.AclUnreadable(context.FlowKeyCheck, egressPort: -1);
            }
            context.Dropped(DropReason.MalformedHeaders);
            return false;
        }
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        TraceSink? sink = TMode.Tracing ? context.Sink : null;
        context.VmRuleAction = RuleAction.None;
        context.PortRuleAction = RuleAction.None;
        VsiCounters? vsi = !TMode.Tracing && frame.SourceVsi >= 0 ? plan.VsiCounters[frame.SourceVsi] : null;
        Dictionary<ulong, CompiledAcl>? vmAcls = plan.VmAcls[port];
        if (vmAcls is not null)
        {
            if (vmAcls.TryGetValue(VidMacKey.Of(context.Vid, source), out CompiledAcl? vmAcl))
            {
                if (!Permits<TMode>(vmAcl, in context.FlowKey, frame.Length, out context.VmRuleAction, vsi, sink, AclBinding.VmIngress, egressPort: -1))
                {
                    Denied<TMode>(ref context, vmAcl);
                    return false;
                }
            }
            else if (TMode.Tracing)
            {
                sink!.NoVmAcl(context.Vid);
            }
        }
        if (plan.IngressAcls[port] is CompiledAcl portAcl
            && !Permits<TMode>(portAcl, in context.FlowKey, frame.Length, out context.PortRuleAction, vsi, sink, AclBinding.PortIngress, egressPort: -1))
        {
            Denied<TMode>(ref context, portAcl);
            return false;
        }
        return true;
    }

    private static void Denied<TMode>(ref FrameContext context, CompiledAcl acl)
        where TMode : struct, IReceiveMode
    {
        if (TMode.Tracing)
        {
            context.Sink!.AclDenied(acl);
        }
        context.Dropped(DropReason.AclDenied);
    }

    /// <summary>
    /// Null when a copy of <paramref name="frame"/> may leave by <paramref name="port"/> (its rules'
    /// actions then wait in the context); otherwise why the copy is dropped.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static DropReason? RefuseEgress<TMode>(ref FrameContext context, FrameBuffer frame, int port, ForwardingPlan plan, VsiCounters? vsi)
        where TMode : struct, IReceiveMode
    {
        if (!TryFlowKey(ref context))
        {
            if (TMode.Tracing)
            {
                context.Sink!.AclUnreadable(context.FlowKeyCheck, port);
            }
            return DropReason.MalformedHeaders;
        }
        TraceSink? sink = TMode.Tracing ? context.Sink : null;
        MacAddress destination = MacAddress.Read(frame.Span);
        context.EgressPortRuleAction = RuleAction.None;
        context.EgressVmRuleAction = RuleAction.None;
        bool denied = (plan.EgressAcls[port] is CompiledAcl portAcl
                && !Permits<TMode>(portAcl, in context.FlowKey, frame.Length, out context.EgressPortRuleAction, vsi, sink, AclBinding.PortEgress, port))
            || (plan.VmAcls[port]?.TryGetValue(VidMacKey.Of(frame.Vid, destination), out CompiledAcl? vmAcl) == true
                && !Permits<TMode>(vmAcl, in context.FlowKey, frame.Length, out context.EgressVmRuleAction, vsi, sink, AclBinding.VmEgress, port));
        context.EgressActionsPending = !denied && !(context.EgressPortRuleAction.IsNone && context.EgressVmRuleAction.IsNone);
        return denied ? DropReason.AclDenied : null;
    }

    /// <summary>
    /// Evaluates one ACL; <paramref name="action"/> is what the deciding rule does besides permitting
    /// (None on deny). A rule's decision (not the default's) is a hit of <paramref name="vsi"/>, when the
    /// frame is one's. In trace mode the ACL is only peeked at (no hit counted, no cache filled) and the
    /// deciding rule told to the sink.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Permits<TMode>(CompiledAcl acl, in FlowKey key, int frameBytes, out RuleAction action, VsiCounters? vsi, TraceSink? sink, AclBinding binding, int egressPort)
        where TMode : struct, IReceiveMode
    {
        int decided;
        if (TMode.Tracing)
        {
            decided = acl.Peek(key);
            sink!.AclDecided(acl, decided, binding, egressPort);
        }
        else
        {
            decided = acl.Decide(key, frameBytes);
        }
        AclVerdict verdict = acl.VerdictOf(decided);
        if (vsi is not null && acl.IsRule(decided))
        {
            if (egressPort >= 0)
            {
                vsi.CountEgressAclHit(verdict);
            }
            else
            {
                vsi.CountAclHit(verdict);
            }
        }
        if (verdict == AclVerdict.Deny)
        {
            action = RuleAction.None;
            return false;
        }
        action = acl.ActionOf(decided);
        return true;
    }

    /// <summary>The frame's flow key, built by the first ACL that needs it and kept in the context for the rest.</summary>
    public static bool TryFlowKey(ref FrameContext context)
    {
        if (context.FlowKeyBuilt)
        {
            return context.FlowKeyValid;
        }
        context.FlowKeyBuilt = true;
        FrameBuffer frame = context.Frame;
        ReadOnlySpan<byte> bytes = frame.Span;
        if (FastFlowKey.TryBuild(bytes, context.Vid, frame.IngressPort, out context.FlowKey))
        {
            return context.FlowKeyValid = true;
        }
        context.FlowKeyCheck = PacketClassifier.Classify(bytes, out PacketSummary summary);
        context.FlowKeyValid = context.FlowKeyCheck == HeaderCheck.Ok;
        context.FlowKey = FlowFields.From(summary, MacAddress.Read(bytes[6..]), MacAddress.Read(bytes), context.Vid, frame.IngressPort);
        return context.FlowKeyValid;
    }
}
