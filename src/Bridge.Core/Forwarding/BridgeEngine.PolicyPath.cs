// The policy fast path: known unicast from a port with an ingress ACL and ingress QoS (DSCP trust,
// policers, the matched rule's actions) but nothing else optional (no VSIs, port security or VM
// ACLs and policers), done straight through with its values in locals, as the known-unicast fast
// path (BridgeEngine.FastPath.cs) does for plain ports. Each step does what the general path's stage
// does for such a frame (BridgeEngine.Ingress.cs, Stages/AclStage.cs, Stages/IngressQosStage.cs), in
// the same order of effects. Every check comes before the first side effect, the flow key included
// (a frame the fast flow key does not cover takes the general path whole); from the ACL on, a frame
// that leaves (denied, policed, a lookup the fast path does not serve) leaves with its context as the
// general path would have it at that point and goes on from there, so nothing is counted twice.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>Whether the batch's first frame is unicast from a port the policy fast path serves.</summary>
    private static bool StartsOnPolicyPort(ReadOnlySpan<FrameBuffer> frames, ForwardingPlan plan) =>
        frames.Length > 0 && (uint)frames[0].IngressPort < (uint)plan.PortCount && plan.Ports[frames[0].IngressPort].PolicyIngress
        && frames[0].Span is { Length: > 0 } first && (first[0] & 1) == 0;

    /// <summary>
    /// The frame handled by the policy fast path (forwarded, dropped by policy, or taken over by the
    /// general path part way): true. False when it does not qualify; nothing has been done to it then.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryForwardPolicedUnicast(FrameBuffer frame, ForwardingPlan plan, ref FrameContext context, long timestamp, uint second)
    {
        // Checks only, no effects: anything unusual goes to the general path whole.
        int port = frame.IngressPort;
        if ((uint)port >= (uint)plan.PortCount)
        {
            return false;
        }
        ulong closedPorts = _closedPorts;
        ulong portBit = 1UL << port;
        ref PortPlan ingress = ref plan.Ports[port];
        if ((closedPorts & portBit) != 0 || !ingress.PolicyIngress)
        {
            return false;
        }
        ReadOnlySpan<byte> bytes = frame.Span;
        if (bytes.Length < EthernetReader.HeaderSize || (bytes[0] & 1) != 0)
        {
            return false;
        }
        var header = new EthernetReader(bytes);
        if (!header.IsValid)
        {
            return false;
        }
        MacAddress destination = header.Destination;
        MacAddress source = header.Source;
        int length = frame.Length;
        if (source.IsGroup || source.IsZero || length > plan.MaxFrameSize)
        {
            return false;
        }
        int vid = VlanIngressStage.PlainVid(in header, ref ingress, out bool tagged, out ushort priorityBits);
        if (vid == 0)
        {
            return false;
        }
        ulong members = plan.VlanMembers[vid];
        if ((members & portBit) == 0
            || (ingress.GuardsPingPong && _pingPongGuard.RemembersFloodsOutOf(port, FrameKind.Unicast, timestamp)))
        {
            return false;
        }
        // The ACL's key, straight from the bytes into the context (as AclStage.TryFlowKey would put it);
        // a frame the fast key does not cover is left to the general classifier.
        CompiledAcl? acl = plan.IngressAcls[port];
        int hash = 0;
        if (acl is not null && !FastFlowKey.TryBuild(bytes, vid, port, out context.FlowKey, out hash))
        {
            return false;
        }

        // The frame qualifies: the general path's effects, in its order.
        context.Frame = frame;
        context.Port = port;
        context.Kind = FrameKind.Unicast;
        context.Vid = (ushort)vid;
        context.FlowKeyBuilt = acl is not null;
        context.FlowKeyValid = true;
        context.EgressActionsPending = false;
        PortCounters counters = _counters[port];
        frame.SourceVsi = -1;
        counters.RxFrames++;
        counters.RxBytes += length;
        counters.RxUnicast++;
        if (!tagged || !ingress.TrustsTag)
        {
            priorityBits = (ushort)((priorityBits & RuleActions.DeiBit) | ingress.DefaultPriorityBits);
        }
        frame.HasCustomerTag = tagged;
        frame.Vid = (ushort)vid;

        int decision = CompiledAcl.DecisionNone;
        int decided = 0;
        if (acl is not null)
        {
            // AclStage.AdmitIngress for a port ACL alone, on a frame no VSI owns (no VSI stage on this port).
            decided = acl.Decide(in context.FlowKey, hash, length);
            decision = acl.DecisionOf(decided);
            if (decision < 0)
            {
                DropPolicedOutOfLine(ref context, DropReason.AclDenied);
                return true;
            }
        }
        // IngressQosStage.Classify, then Admit's DSCP trust (the key holds the DSCP when there is one),
        // the frame's metadata written once.
        bool qos = (ingress.Stages & IngressStages.IngressQos) != 0;
        if (qos && ingress.TrustsDscp)
        {
            int dscp = acl is not null ? (int)(context.FlowKey.Words[6] >> 50) & 0x3F : DscpRewriter.Read(bytes);
            if (dscp >= 0)
            {
                priorityBits = (ushort)((priorityBits & RuleActions.DeiBit) | ((dscp >> 3) << RuleActions.PriorityShift));
            }
        }
        frame.PriorityBits = priorityBits;
        frame.TrafficClass = plan.ClassOfPriority[priorityBits >> RuleActions.PriorityShift];
        if (qos)
        {
            // The rest of IngressQosStage.Admit: the rule's actions (class and police inline, anything
            // more out of line), then the port's policer.
            MeterColor color = (priorityBits & RuleActions.DeiBit) != 0 ? MeterColor.Yellow : MeterColor.Green;
            if (decision != CompiledAcl.DecisionNone)
            {
                if ((decision & CompiledAcl.DecisionMore) != 0)
                {
                    if (!ApplyRuleActionOutOfLine(ref context, frame, acl!.ActionOf(decided), plan, ref color))
                    {
                        DropPolicedOutOfLine(ref context, DropReason.Policed);
                        return true;
                    }
                }
                else
                {
                    int trafficClass = (sbyte)decision;
                    int meter = (short)(decision >> 8);
                    if (trafficClass >= 0)
                    {
                        frame.TrafficClass = (byte)trafficClass;
                    }
                    if (meter >= 0 && !Police(ref context, frame, plan.Policers[meter], length, timestamp, ref color))
                    {
                        DropPolicedOutOfLine(ref context, DropReason.Policed);
                        return true;
                    }
                }
            }
            if (ingress.Policer >= 0 && !Police(ref context, frame, plan.Policers[ingress.Policer], length, timestamp, ref color))
            {
                DropPolicedOutOfLine(ref context, DropReason.Policed);
                return true;
            }
        }
        if (_learning.Learn(vid, source, port, second, ref ingress, members, counters, plan.MaxLearned))
        {
            OnMoved(vid, source, port, second);
        }

        // Lookup: a known destination the delivery rule allows, on a port without per-copy work.
        ulong eligible = members & ingress.PeerMask & ~closedPorts;
        int target = _fdb.Lookup(vid, destination);
        if (target < 0 || ((eligible & ~plan.PerCopyWorkPorts) & (1UL << target)) == 0)
        {
            PolicedForwardByLookupOutOfLine(ref context, destination, members, ref ingress, closedPorts, counters, plan);
            return true;
        }
        counters.Forwarded++;
        if (!EgressTaggingStage.Retag(frame, target, plan))
        {
            _enqueue.Drop(ref context, frame, target, DropReason.NoHeadroom, vsi: null);
            return true;
        }
        if (!_enqueue.TryQueue(frame, target, FrameKind.Unicast, vsi: null))
        {
            _enqueue.Drop(ref context, frame, target, DropReason.EgressQueueFull, vsi: null);
        }
        return true;
    }

    /// <summary>RuleActions.Police, live: the meter's color, and its action when that is more than a pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Police(ref FrameContext context, FrameBuffer frame, Policer policer, int length, long timestamp, ref MeterColor color)
    {
        color = policer.Mark(length, timestamp, color);
        return policer.Passes(color) || ActOnColorOutOfLine(ref context, frame, policer, color);
    }

    /// <summary>A color whose action drops or remarks (RuleActions.Police's second half).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool ActOnColorOutOfLine(ref FrameContext context, FrameBuffer frame, Policer policer, MeterColor color)
    {
        ColorAction action = policer.ActionFor(color);
        if (action.Kind == ColorActionKind.Drop)
        {
            return false;
        }
        if (action.Kind == ColorActionKind.Remark)
        {
            RuleActions.Remark(ref context, frame, action.Pcp ?? -1, action.Dscp ?? -1, egress: false);
        }
        return true;
    }

    /// <summary>A rule that counts, mirrors or remarks: RuleActions.Apply itself.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ApplyRuleActionOutOfLine(ref FrameContext context, FrameBuffer frame, RuleAction action, ForwardingPlan plan, ref MeterColor color) =>
        RuleActions.Apply<LiveMode>(ref context, frame, action, plan, ref color, egressPort: -1, this);

    /// <summary>A policy drop (ACL deny, policer): counted and the buffer returned, as the general path drops.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DropPolicedOutOfLine(ref FrameContext context, DropReason reason)
    {
        context.Dropped(reason);
        DropAsDecided<LiveMode>(ref context);
    }

    /// <summary>A learned frame the fast path cannot forward goes on from the general path's lookup, its context kept (egress ACLs reuse its flow key).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void PolicedForwardByLookupOutOfLine(ref FrameContext context, MacAddress destination, ulong members, ref PortPlan ingress, ulong closedPorts, PortCounters counters, ForwardingPlan plan) =>
        ForwardByLookup<LiveMode>(ref context, destination, members, ref ingress, closedPorts, counters, plan);
}
