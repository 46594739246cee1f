// The ingress QoS stage. Every frame gets a priority (the C-tag's PCP when the port trusts it, else the
// port default) and from it a traffic class (802.1Q Table 8-5 unless configured): Classify, inline.
// Ports with more to do (PortPlan.Stages: IngressQos) take the rest out of line: DSCP trust, the matched
// ingress ACL rules' actions (VM's, then port's), the VM's policer, then the port's. Remarks change the
// frame once, before fan-out, so every copy carries them. It owns the `policed` drop on ingress.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal static class IngressQosStage
{
    /// <summary>The port default priority for untrusted or untagged frames, and the class of the priority.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Classify(FrameBuffer frame, ref PortPlan ingress, ForwardingPlan plan)
    {
        if (!frame.HasCustomerTag || !ingress.TrustsTag)
        {
            frame.PriorityBits = (ushort)((frame.PriorityBits & RuleActions.DeiBit) | ingress.DefaultPriorityBits);
        }
        frame.TrafficClass = plan.ClassOfPriority[frame.PriorityBits >> RuleActions.PriorityShift];
    }

    /// <summary>DSCP trust, rule actions and policers; false when a policer dropped the frame: the context then carries the drop.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Admit<TMode>(ref FrameContext context, MacAddress source, ForwardingPlan plan, IMirrorPort mirror)
        where TMode : struct, IReceiveMode
    {
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        ref PortPlan ingress = ref plan.Ports[port];
        if (ingress.TrustsDscp && DscpRewriter.Read(frame.Span) is int dscp and >= 0)
        {
            int priority = dscp >> 3;   // class selector: the DSCP's top three bits
            RuleActions.Remark(ref context, frame, priority, -1, egress: false);
            frame.TrafficClass = plan.ClassOfPriority[priority];
            if (TMode.Tracing)
            {
                context.Sink!.DscpTrusted(dscp);
            }
        }
        MeterColor color = RuleActions.ColorOf(frame);
        bool kept = !ingress.HasIngressPolicy
            || (RuleActions.Apply<TMode>(ref context, frame, context.VmRuleAction, plan, ref color, egressPort: -1, mirror)
                && RuleActions.Apply<TMode>(ref context, frame, context.PortRuleAction, plan, ref color, egressPort: -1, mirror));
        if (kept && plan.VmPolicers[port]?.TryGetValue(VidMacKey.Of(context.Vid, source), out int vmPolicer) == true)
        {
            kept = RuleActions.Police<TMode>(ref context, frame, plan.Policers[vmPolicer], ref color, egressPort: -1, PolicerBinding.Vm);
        }
        if (kept && ingress.Policer >= 0)
        {
            kept = RuleActions.Police<TMode>(ref context, frame, plan.Policers[ingress.Policer], ref color, egressPort: -1, PolicerBinding.Port);
        }
        if (!kept)
        {
            context.Dropped(DropReason.Policed);
        }
        return kept;
    }
}
