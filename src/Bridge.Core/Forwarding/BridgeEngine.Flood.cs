// Fan-out of one frame to several ports. As Linux shares an skb's data among its clones, copies that
// leave with the same bytes share one buffer, each egress queue holding a reference: the original in
// the tag form it is in (untagged, or tagged with the frame's VID and priority), and at most one copy
// in the other form. A copy an egress ACL rule acts on (class, remark, police, count, mirror) gets a
// buffer of its own (copy-on-write), since the rule changes or judges that copy alone. The last port
// takes the original itself when no queue shares it, so a frame with one destination is never copied.
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private void Flood<TMode>(ref FrameContext context, FrameBuffer frame, ulong targets, ForwardingPlan plan)
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
        PutInSharedForm(frame, targets, untaggedPorts);
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
                if (otherForm is null && !TryCopyInForm(frame, wantTag, out otherForm))
                {
                    CountEgressDrop(ref context, port, DropReason.PoolExhausted, vsi);
                    continue;
                }
                shared = otherForm;
            }
            FramePool.Share(shared);
            Enqueue<TMode>(ref context, shared, port, vsi);
        }
        ReleaseIfMade(otherForm);
        _pool.Release(frame);   // the flood's own reference; the queues that took the frame hold theirs
    }

    /// <summary>
    /// The common flood: no target port has an egress ACL or VSIs, so every copy is a reference and a
    /// queue entry. The last port takes the flood's own reference instead of sharing and releasing it.
    /// </summary>
    private void FloodPlain<TMode>(ref FrameContext context, FrameBuffer frame, ulong targets, ulong untaggedPorts, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        PutInSharedForm(frame, targets, untaggedPorts);
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
                if (otherForm is null && !TryCopyInForm(frame, wantTag: frame.HasCustomerTag is false, out otherForm))
                {
                    CountEgressDrop(ref context, port, DropReason.PoolExhausted, vsi: null);
                    if (targets == 0)
                    {
                        _pool.Release(frame);
                        return;
                    }
                    continue;
                }
                shared = otherForm;
            }
            else if (targets == 0)
            {
                Enqueue<TMode>(ref context, frame, port, vsi: null);   // the flood's own reference goes with the last copy
                ReleaseIfMade(otherForm);
                return;
            }
            FramePool.Share(shared);
            Enqueue<TMode>(ref context, shared, port, vsi: null);
            if (targets == 0)
            {
                ReleaseIfMade(otherForm);
                _pool.Release(frame);
                return;
            }
        }
    }

    /// <summary>
    /// Retags the original once for every copy that will share it: into the other form when no port
    /// wants the form it arrived in, and a tag's VID and priority to what the frame was classified to
    /// (a priority-tagged frame leaves with its VID). Copies are written from the metadata, not this tag.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutInSharedForm(FrameBuffer frame, ulong targets, ulong untaggedPorts)
    {
        ulong sameForm = frame.HasCustomerTag ? ~untaggedPorts : untaggedPorts;
        if ((targets & sameForm) == 0)
        {
            if (frame.HasCustomerTag)
            {
                frame.PopTag();
                frame.HasCustomerTag = false;
                return;
            }
            if (frame.TryPushTag(EtherTypes.CustomerVlan, (ushort)(frame.PriorityBits | frame.Vid)))
            {
                frame.HasCustomerTag = true;
            }
            return;   // no headroom left: the original stays untagged and the tagged copies share one copy
        }
        if (frame.HasCustomerTag)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.Span[(AddressesSize + 2)..], (ushort)(frame.PriorityBits | frame.Vid));
        }
    }

    /// <summary>A copy an egress ACL rule acts on: its own buffer in the port's form, then the rule's actions on it alone.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TransmitOwnCopy<TMode>(ref FrameContext context, FrameBuffer frame, int port, ForwardingPlan plan, VsiCounters? vsi)
        where TMode : struct, IReceiveMode
    {
        bool wantTag = (plan.VlanUntagged[frame.Vid] & (1UL << port)) == 0;
        if (!TryCopyInForm(frame, wantTag, out FrameBuffer? copy))
        {
            CountEgressDrop(ref context, port, DropReason.PoolExhausted, vsi);
            return;
        }
        if (!ApplyEgressActions(ref context, copy, port, plan))
        {
            EgressDrop(ref context, copy, port, DropReason.Policed, vsi);
            return;
        }
        Enqueue<TMode>(ref context, copy, port, vsi);
    }

    /// <summary>Writes a copy straight into a tag form (one copy, no tag shuffling); false when the pool is empty.</summary>
    private bool TryCopyInForm(FrameBuffer frame, bool wantTag, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FrameBuffer? copy)
    {
        if (!_pool.TryRent(out copy))
        {
            return false;
        }
        ReadOnlySpan<byte> source = frame.Span;
        ReadOnlySpan<byte> payload = source[(frame.HasCustomerTag ? AddressesSize + TagSize : AddressesSize)..];
        Span<byte> target = copy.WritableSpan;
        source[..AddressesSize].CopyTo(target);
        int length = AddressesSize;
        if (wantTag)
        {
            BinaryPrimitives.WriteUInt16BigEndian(target[length..], EtherTypes.CustomerVlan);
            BinaryPrimitives.WriteUInt16BigEndian(target[(length + 2)..], (ushort)(frame.PriorityBits | frame.Vid));
            length += TagSize;
        }
        payload.CopyTo(target[length..]);
        copy.SetLength(length + payload.Length);
        copy.IngressPort = frame.IngressPort;
        copy.Vid = frame.Vid;
        copy.PriorityBits = frame.PriorityBits;
        copy.HasCustomerTag = wantTag;
        copy.TrafficClass = frame.TrafficClass;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ReleaseIfMade(FrameBuffer? copy)
    {
        if (copy is not null)
        {
            _pool.Release(copy);
        }
    }
}
