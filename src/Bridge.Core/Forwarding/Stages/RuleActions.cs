// What a matched ACL rule does besides permit, in order: count, mirror (the frame as matched), class,
// remark, police; and a policer's color action. Ingress QoS runs the ingress rules' actions
// (Stages/IngressQosStage), egress the per-copy rules' on a copy in its egress form, trace both with
// side effects off. A policer colors the frame (color-aware meters start from DEI or an earlier
// meter's color) and its action for that color passes, remarks or drops.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal static class RuleActions
{
    public const ushort DeiBit = 0x1000;
    public const int PriorityShift = 13;
    private const int TciOffset = 14;   // destination, source, then the tag's protocol

    /// <summary>The color a color-aware meter starts a frame at: yellow when its DEI is set.</summary>
    public static MeterColor ColorOf(FrameBuffer frame) => (frame.PriorityBits & DeiBit) != 0 ? MeterColor.Yellow : MeterColor.Green;

    /// <summary>
    /// One rule's actions; false when its policer dropped the frame. <paramref name="egressPort"/> is
    /// -1 on ingress, else the copy's port (what a trace notes it under). A trace counts nothing,
    /// mirrors nothing (it says whether it would) and runs no policer.
    /// </summary>
    public static bool Apply<TMode>(ref FrameContext context, FrameBuffer frame, RuleAction action, ForwardingPlan plan, ref MeterColor color, int egressPort, IMirrorPort mirror)
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
                context.Sink!.Mirror(action.Mirror, mirror.CanMirrorTo(action.Mirror, plan), egressPort);
            }
            else
            {
                mirror.Mirror(frame, action.Mirror, plan);
            }
        }
        if (action.MirrorSession >= 0 && !TMode.Tracing)
        {
            mirror.MirrorToSession(frame, action.MirrorSession, egressPort);
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

    /// <summary>The policer's color for the frame and that color's action; false when it drops.</summary>
    public static bool Police<TMode>(ref FrameContext context, FrameBuffer frame, Policer policer, ref MeterColor color, int egressPort, PolicerBinding binding)
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
    public static void Remark(ref FrameContext context, FrameBuffer frame, int pcp, int dscp, bool egress)
    {
        if (pcp >= 0)
        {
            frame.PriorityBits = (ushort)((frame.PriorityBits & DeiBit) | (pcp << PriorityShift));
            if (egress && frame.HasCustomerTag)
            {
                Span<byte> tci = frame.Span[TciOffset..];
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
}
