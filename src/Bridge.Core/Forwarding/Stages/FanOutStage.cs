// The fan-out stage: a frame's copies to their egress ports, each through the egress ACLs (on ports
// that have them), egress tagging and the enqueue stage. As Linux shares an skb's data among its
// clones, copies that leave with the same bytes share one buffer, each queue holding a reference: the
// original in the tag form it is in, and at most one copy in the other form. A copy an egress ACL rule
// acts on (class, remark, police, count, mirror) gets a buffer of its own (copy-on-write), since the
// rule changes or judges that copy alone. The last port takes the original itself when no queue shares
// it, so a frame with one destination is never copied.
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal sealed class FanOutStage(FramePool pool, EnqueueStage enqueue, IMirrorPort mirror)
{
    /// <summary>Sends the frame itself to one port, retagging it in place for that port.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Transmit<TMode>(ref FrameContext context, FrameBuffer frame, int port, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        if ((plan.PerCopyWorkPorts & (1UL << port)) != 0)
        {
            TransmitWithCopyWork<TMode>(ref context, frame, port, plan);
            return;
        }
        Transmit<TMode>(ref context, frame, port, plan, vsi: null, egressPolicy: false);
    }

    /// <summary>Sends the frame to every port of <paramref name="targets"/>, sharing its buffer among the copies that can.</summary>
    public void Flood<TMode>(ref FrameContext context, FrameBuffer frame, ulong targets, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        if ((targets & (targets - 1)) == 0)
        {
            Transmit<TMode>(ref context, frame, BitOperations.TrailingZeroCount(targets), plan);
            return;
        }
        ulong untaggedPorts = plan.VlanUntagged[frame.Vid];
        if ((targets & plan.PerCopyWorkPorts) == 0)
        {
            FloodPlain<TMode>(ref context, frame, targets, untaggedPorts, plan);
            return;
        }
        if ((targets & plan.EgressPolicyPorts) != 0)
        {
            AclStage.TryFlowKey(ref context);   // egress ACLs match the frame as received, so take its key before it is retagged
        }
        EgressTaggingStage.PutInSharedForm(frame, targets, untaggedPorts);
        FrameBuffer? otherForm = null;   // the one copy in the form the original is not in, made when first needed
        while (targets != 0)
        {
            int port = BitOperations.TrailingZeroCount(targets);
            targets &= targets - 1;
            VsiCounters? vsi = plan.Ports[port].HasVsiBindings ? VsiAdmissionStage.DestinationOf(frame, port, plan, context.Kind) : null;
            if (targets == 0 && !frame.IsShared)
            {
                Transmit<TMode>(ref context, frame, port, plan, vsi, plan.Ports[port].HasEgressPolicy);   // nobody else holds the original: it goes as a single destination's would
                ReleaseIfMade(otherForm);
                return;
            }
            if (plan.Ports[port].HasEgressPolicy)
            {
                if (!AdmitEgressPolicy(ref context, frame, port, plan, vsi))
                {
                    continue;
                }
                if (context.EgressActionsPending)
                {
                    TransmitOwnCopy<TMode>(ref context, frame, port, plan, vsi);
                    continue;
                }
            }
            bool wantTag = (untaggedPorts & (1UL << port)) == 0;
            FrameBuffer shared = frame;
            if (wantTag != frame.HasCustomerTag)
            {
                if (otherForm is null && !EgressTaggingStage.TryCopyInForm(frame, wantTag, pool, out otherForm))
                {
                    enqueue.CountDropped(ref context, port, DropReason.PoolExhausted, vsi);
                    continue;
                }
                shared = otherForm;
            }
            FramePool.Share(shared);
            enqueue.Enqueue<TMode>(ref context, shared, port, vsi);
        }
        ReleaseIfMade(otherForm);
        pool.Release(frame);   // the flood's own reference; the queues that took the frame hold theirs
    }

    /// <summary>A port with egress ACLs or VSIs behind it: the same path, told which VSI the copy is for (its counters) and to run the ACLs.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TransmitWithCopyWork<TMode>(ref FrameContext context, FrameBuffer frame, int port, ForwardingPlan plan)
        where TMode : struct, IReceiveMode =>
        Transmit<TMode>(ref context, frame, port, plan, plan.Ports[port].HasVsiBindings ? VsiAdmissionStage.DestinationOf(frame, port, plan, context.Kind) : null, plan.Ports[port].HasEgressPolicy);

    // Inlined where vsi and egressPolicy are the constants null and false: the JIT drops the VSI
    // accounting and the egress ACL steps altogether on a port without them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Transmit<TMode>(ref FrameContext context, FrameBuffer frame, int port, ForwardingPlan plan, VsiCounters? vsi, bool egressPolicy)
        where TMode : struct, IReceiveMode
    {
        if (egressPolicy && !AdmitEgressPolicy(ref context, frame, port, plan, vsi))
        {
            pool.Release(frame);
            return;
        }
        if (!EgressTaggingStage.Retag(frame, port, plan))
        {
            enqueue.Drop(ref context, frame, port, DropReason.NoHeadroom, vsi);
            return;
        }
        if (egressPolicy && context.EgressActionsPending && !ApplyEgressActions(ref context, frame, port, plan))
        {
            enqueue.Drop(ref context, frame, port, DropReason.Policed, vsi);
            return;
        }
        enqueue.Enqueue<TMode>(ref context, frame, port, vsi);
    }

    /// <summary>
    /// The common flood: no target port has an egress ACL or VSIs, so every copy is a reference and a
    /// queue entry. The last port takes the flood's own reference instead of sharing and releasing it.
    /// </summary>
    private void FloodPlain<TMode>(ref FrameContext context, FrameBuffer frame, ulong targets, ulong untaggedPorts, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        EnqueueStage queues = enqueue;   // a local: the JIT need not reload the field after every store through a copy
        FramePool buffers = pool;
        EgressTaggingStage.PutInSharedForm(frame, targets, untaggedPorts);
        ulong otherFormPorts = targets & (frame.HasCustomerTag ? untaggedPorts : ~untaggedPorts);
        FrameBuffer? otherForm = null;
        while (true)
        {
            int port = BitOperations.TrailingZeroCount(targets);
            targets &= targets - 1;
            FrameBuffer shared = frame;
            if ((otherFormPorts & (1UL << port)) != 0)
            {
                if (targets == 0 && !frame.IsShared)
                {
                    Transmit<TMode>(ref context, frame, port, plan, vsi: null, egressPolicy: false);   // nobody holds the original: retag it in place
                    ReleaseIfMade(otherForm);
                    return;
                }
                if (otherForm is null && !EgressTaggingStage.TryCopyInForm(frame, wantTag: frame.HasCustomerTag is false, buffers, out otherForm))
                {
                    queues.CountDropped(ref context, port, DropReason.PoolExhausted, vsi: null);
                    if (targets == 0)
                    {
                        buffers.Release(frame);
                        return;
                    }
                    continue;
                }
                shared = otherForm;
            }
            else if (targets == 0)
            {
                queues.Enqueue<TMode>(ref context, frame, port, vsi: null);   // the flood's own reference goes with the last copy
                ReleaseIfMade(otherForm);
                return;
            }
            FramePool.Share(shared);
            queues.Enqueue<TMode>(ref context, shared, port, vsi: null);
            if (targets == 0)
            {
                ReleaseIfMade(otherForm);
                buffers.Release(frame);
                return;
            }
        }
    }

    /// <summary>True when the egress ACLs let a copy leave by <paramref name="port"/>; otherwise the copy's drop is counted (the caller recycles it).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitEgressPolicy(ref FrameContext context, FrameBuffer frame, int port, ForwardingPlan plan, VsiCounters? vsi)
    {
        if (AclStage.RefuseEgress<LiveMode>(ref context, frame, port, plan, vsi) is not DropReason reason)
        {
            return true;
        }
        enqueue.CountDropped(ref context, port, reason, vsi);
        enqueue.CaptureRefused(ref context, frame, port, reason);
        return false;
    }

    /// <summary>A copy an egress ACL rule acts on: its own buffer in the port's form, then the rule's actions on it alone.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TransmitOwnCopy<TMode>(ref FrameContext context, FrameBuffer frame, int port, ForwardingPlan plan, VsiCounters? vsi)
        where TMode : struct, IReceiveMode
    {
        if (!EgressTaggingStage.TryCopyInForm(frame, EgressTaggingStage.WantsTag(plan, frame.Vid, port), pool, out FrameBuffer? copy))
        {
            enqueue.CountDropped(ref context, port, DropReason.PoolExhausted, vsi);
            return;
        }
        if (!ApplyEgressActions(ref context, copy, port, plan))
        {
            enqueue.Drop(ref context, copy, port, DropReason.Policed, vsi);
            return;
        }
        enqueue.Enqueue<TMode>(ref context, copy, port, vsi);
    }

    /// <summary>Egress ACL actions on one copy in its egress form; false when a policer dropped it (the caller recycles it).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ApplyEgressActions(ref FrameContext context, FrameBuffer outgoing, int port, ForwardingPlan plan)
    {
        context.EgressActionsPending = false;
        MeterColor color = RuleActions.ColorOf(outgoing);
        return RuleActions.Apply<LiveMode>(ref context, outgoing, context.EgressPortRuleAction, plan, ref color, egressPort: port, mirror)
            && RuleActions.Apply<LiveMode>(ref context, outgoing, context.EgressVmRuleAction, plan, ref color, egressPort: port, mirror);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ReleaseIfMade(FrameBuffer? copy)
    {
        if (copy is not null)
        {
            pool.Release(copy);
        }
    }
}
