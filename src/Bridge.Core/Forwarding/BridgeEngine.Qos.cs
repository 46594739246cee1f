// QoS on the forwarding path. Every frame gets a priority (the C-tag's PCP when the port trusts it,
// else the port default) and from it a traffic class (802.1Q Table 8-5 unless configured). Ports
// with more to do take the slow path here: DSCP trust, the matched ACL rules' actions (VM's, then
// port's), then the VM's policer, then the port's. A policer colors the frame (color-aware meters
// start from DEI or an earlier meter's color) and its action for that color passes, remarks or
// drops (`policed`). Remarks change the frame once, before fan-out, so every copy carries them;
// egress ACL actions apply per copy after it is in its egress form.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private const ushort DeiBit = 0x1000;
    private const int PriorityShift = 13;

    /// <summary>The policer named <paramref name="name"/> in the running configuration (for its color counters), or null.</summary>
    public Policer? Policer(string name) => _plan.Policers.FirstOrDefault(policer => policer.Config.Name == name);

    /// <summary>Frames and bytes added to the ACL counter <paramref name="name"/> (`count NAME`) since the configuration was published.</summary>
    public (long Frames, long Bytes) NamedCounter(string name)
    {
        ForwardingPlan plan = _plan;
        int index = Array.IndexOf(plan.CounterNames, name);
        return index < 0 ? (0, 0) : (plan.CounterFrames[index], plan.CounterBytes[index]);
    }

    /// <summary>The port default priority for untrusted or untagged frames, and the class of the priority.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify(FrameBuffer frame, ref PortPlan ingress, ForwardingPlan plan)
    {
        if (!frame.HasCustomerTag || !ingress.TrustsTag)
        {
            frame.PriorityBits = (ushort)((frame.PriorityBits & DeiBit) | ingress.DefaultPriorityBits);
        }
        frame.TrafficClass = plan.ClassOfPriority[frame.PriorityBits >> PriorityShift];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ApplyIngressQos<TMode>(ref FrameContext context, MacAddress source, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        ref PortPlan ingress = ref plan.Ports[port];
        if (ingress.TrustsDscp && DscpRewriter.Read(frame.Span) is int dscp and >= 0)
        {
            int priority = dscp >> 3;   // class selector: the DSCP's top three bits
            Remark(ref context, frame, priority, -1, egress: false);
            frame.TrafficClass = plan.ClassOfPriority[priority];
            if (TMode.Tracing)
            {
                context.Sink!.DscpTrusted(dscp);
            }
        }
        MeterColor color = (frame.PriorityBits & DeiBit) != 0 ? MeterColor.Yellow : MeterColor.Green;
        bool kept = !ingress.HasIngressPolicy
            || (ApplyRuleAction<TMode>(ref context, frame, context.VmRuleAction, plan, ref color, egressPort: -1)
                && ApplyRuleAction<TMode>(ref context, frame, context.PortRuleAction, plan, ref color, egressPort: -1));
        if (kept && plan.VmPolicers[port]?.TryGetValue(VidMacKey.Of(context.Vid, source), out int vmPolicer) == true)
        {
            kept = Police<TMode>(ref context, frame, plan.Policers[vmPolicer], ref color, egressPort: -1, PolicerBinding.Vm);
        }
        if (kept && ingress.Policer >= 0)
        {
            kept = Police<TMode>(ref context, frame, plan.Policers[ingress.Policer], ref color, egressPort: -1, PolicerBinding.Port);
        }
        if (!kept)
        {
            Drop<TMode>(ref context, DropReason.Policed);
        }
        return kept;
    }

    /// <summary>Egress ACL actions on one copy in its egress form; false when a policer dropped it (the caller recycles it).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ApplyEgressActions(ref FrameContext context, FrameBuffer outgoing, int port, ForwardingPlan plan)
    {
        context.EgressActionsPending = false;
        MeterColor color = (outgoing.PriorityBits & DeiBit) != 0 ? MeterColor.Yellow : MeterColor.Green;
        return ApplyRuleAction<LiveMode>(ref context, outgoing, context.EgressPortRuleAction, plan, ref color, egressPort: port)
            && ApplyRuleAction<LiveMode>(ref context, outgoing, context.EgressVmRuleAction, plan, ref color, egressPort: port);
    }

    /// <summary>
    /// One rule's actions in order: count, mirror (the frame as matched), class, remark, police.
    /// <paramref name="egressPort"/> is -1 on ingress, else the copy's port (what a trace notes it under).
    /// A trace counts nothing, mirrors nothing (it says whether it would) and runs no policer.
    /// </summary>
    private bool ApplyRuleAction<TMode>(ref FrameContext context, FrameBuffer frame, RuleAction action, ForwardingPlan plan, ref MeterColor color, int egressPort)
        where TMode : struct, IReceiveMode
    {
        if (action.IsNone)
        {
            return true;
        }
        bool egress = egressPort >= 0;
        if (action.Counter >= 0 && !TMode.Tracing)
        {
            plan.CounterFrames[action.Counter]++;
            plan.CounterBytes[action.Counter] += frame.Length;
        }
        if (action.Mirror >= 0)
        {
            if (TMode.Tracing)
            {
                context.Sink!.Mirror(action.Mirror, CanMirrorTo(action.Mirror, plan), egressPort);
            }
            else
            {
                Mirror(frame, action.Mirror, plan);
            }
        }
        if (action.TrafficClass >= 0)
        {
            frame.TrafficClass = (byte)action.TrafficClass;
        }
        Remark(ref context, frame, action.RemarkPcp, action.RemarkDscp, egress);
        if (TMode.Tracing && (action.TrafficClass >= 0 || action.RemarkPcp >= 0 || action.RemarkDscp >= 0))
        {
            context.Sink!.RuleActionsApplied(egressPort);
        }
        return action.Meter < 0 || Police<TMode>(ref context, frame, plan.Policers[action.Meter], ref color, egressPort, PolicerBinding.AclRule);
    }

    private static bool Police<TMode>(ref FrameContext context, FrameBuffer frame, Policer policer, ref MeterColor color, int egressPort, PolicerBinding binding)
        where TMode : struct, IReceiveMode
    {
        if (TMode.Tracing)
        {
            context.Sink!.Policer(policer.Config.Name, binding, egressPort);   // running it would take tokens
            return true;
        }
        bool egress = egressPort >= 0;
        color = policer.Mark(frame.Length, context.Timestamp, color);
        ColorAction action = policer.ActionFor(color);
        if (action.Kind == ColorActionKind.Drop)
        {
            return false;
        }
        if (action.Kind == ColorActionKind.Remark)
        {
            Remark(ref context, frame, action.Pcp ?? -1, action.Dscp ?? -1, egress);
        }
        return true;
    }

    /// <summary>
    /// New markings. At egress the copy's tag already sits in the frame, so its PCP is rewritten
    /// there; at ingress the flow key is taken first, so egress ACLs match the frame as received.
    /// </summary>
    private static void Remark(ref FrameContext context, FrameBuffer frame, int pcp, int dscp, bool egress)
    {
        if (pcp >= 0)
        {
            frame.PriorityBits = (ushort)((frame.PriorityBits & DeiBit) | (pcp << PriorityShift));
            if (egress && frame.HasCustomerTag)
            {
                Span<byte> tci = frame.Span[(AddressesSize + 2)..];
                tci[0] = (byte)((tci[0] & 0x1F) | (pcp << 5));
            }
        }
        if (dscp >= 0)
        {
            if (!egress)
            {
                AclStage.TryFlowKey(ref context);
            }
            DscpRewriter.TryRewrite(frame.Span, dscp);
        }
    }

    /// <summary>A mirror goes only to a forwarding port that is up.</summary>
    private bool CanMirrorTo(int port, ForwardingPlan plan) =>
        port < plan.PortCount && plan.Ports[port].State == PortState.Forwarding && (_errorDisabledPorts & (1UL << port)) == 0;

    /// <summary>A copy of the frame as it is now, out of <paramref name="port"/> (SPAN: no VLAN or ACL checks there).</summary>
    private void Mirror(FrameBuffer frame, int port, ForwardingPlan plan)
    {
        if (!CanMirrorTo(port, plan))
        {
            return;
        }
        if (!_pool.TryRent(out FrameBuffer? copy) || !copy.TryCopyFrom(frame.Span))
        {
            if (copy is not null)
            {
                _pool.Release(copy);
            }
            _counters[port].CountEgressDrop(DropReason.PoolExhausted);
            return;
        }
        copy.IngressPort = frame.IngressPort;
        copy.Vid = frame.Vid;
        copy.PriorityBits = frame.PriorityBits;
        copy.TrafficClass = frame.TrafficClass;
        _counters[port].Mirrored++;
        QueueOwnBuffer(copy, port, SanityStage.KindOf(MacAddress.Read(frame.Span)));   // a SPAN copy, not for a VM
    }
}
