// The egress half for one destination: the egress VLAN rule (tag or untag per the egress port's
// membership) applied to the frame in place, egress ACLs, and the port's queues. Fan-out to several
// ports, sharing buffers among the copies, is BridgeEngine.Flood.cs.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private const int AddressesSize = 12;
    private const int TagSize = 4;

    /// <summary>Sends the frame itself, retagging it in place for the egress port.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Transmit<TMode>(ref FrameContext context, FrameBuffer frame, int port, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        if ((plan.PerCopyWorkPorts & (1UL << port)) != 0)
        {
            TransmitWithCopyWork<TMode>(ref context, frame, port, plan);
            return;
        }
        Transmit<TMode>(ref context, frame, port, plan, vsi: null, egressPolicy: false);
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
            _pool.Release(frame);
            return;
        }
        bool wantTag = (plan.VlanUntagged[frame.Vid] & (1UL << port)) == 0;
        if (frame.HasCustomerTag)
        {
            if (wantTag)
            {
                // Rewrite the VID: a priority-tagged frame (VID 0) leaves with the VID it was classified to.
                BinaryPrimitives.WriteUInt16BigEndian(frame.Span[(AddressesSize + 2)..], (ushort)(frame.PriorityBits | frame.Vid));
            }
            else
            {
                frame.PopTag();
                frame.HasCustomerTag = false;
            }
        }
        else if (wantTag)
        {
            if (!frame.TryPushTag(EtherTypes.CustomerVlan, (ushort)(frame.PriorityBits | frame.Vid)))
            {
                EgressDrop(ref context, frame, port, DropReason.NoHeadroom, vsi);
                return;
            }
            frame.HasCustomerTag = true;
        }
        if (egressPolicy && context.EgressActionsPending && !ApplyEgressActions(ref context, frame, port, plan))
        {
            EgressDrop(ref context, frame, port, DropReason.Policed, vsi);
            return;
        }
        Enqueue<TMode>(ref context, frame, port, vsi);
    }

    /// <summary>True when the egress ACLs let a copy leave by <paramref name="port"/>; otherwise the copy's drop is counted (the caller recycles it).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitEgressPolicy(ref FrameContext context, FrameBuffer frame, int port, ForwardingPlan plan, VsiCounters? vsi)
    {
        if (AclStage.RefuseEgress<LiveMode>(ref context, frame, port, plan, vsi) is not DropReason reason)
        {
            return true;
        }
        CountEgressDrop(ref context, port, reason, vsi);
        return false;
    }

    /// <summary>Queues a copy of the frame on its port; <paramref name="vsi"/> is the VSI it is unicast to (null: none, or not a VSI port).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enqueue<TMode>(ref FrameContext context, FrameBuffer frame, int port, VsiCounters? vsi)
        where TMode : struct, IReceiveMode
    {
        if (!TryQueue(frame, port, context.Kind, vsi))
        {
            EgressDrop(ref context, frame, port, DropReason.EgressQueueFull, vsi);
            return;
        }
        if (TMode.Reports)
        {
            context.CopyQueued(port);
        }
    }

    /// <summary>Queues a buffer on its port and counts it sent; false (nothing counted) when the queue is full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryQueue(FrameBuffer frame, int port, FrameKind kind, VsiCounters? vsi)
    {
        if (!_egress[port].TryEnqueue(frame, frame.TrafficClass))
        {
            return false;
        }
        vsi?.CountTx(frame.Length);
        PortCounters counters = _counters[port];
        counters.TxFrames++;
        counters.TxBytes += frame.Length;
        switch (kind)
        {
            case FrameKind.Unicast:
                counters.TxUnicast++;
                break;
            case FrameKind.Multicast:
                counters.TxMulticast++;
                break;
            default:
                counters.TxBroadcast++;
                break;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EgressDrop(ref FrameContext context, FrameBuffer frame, int port, DropReason reason, VsiCounters? vsi)
    {
        CountEgressDrop(ref context, port, reason, vsi);
        _pool.Release(frame);
    }

    /// <summary>A copy meant for <paramref name="port"/> (and for the VSI <paramref name="vsi"/> behind it, if any) was dropped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountEgressDrop(ref FrameContext context, int port, DropReason reason, VsiCounters? vsi)
    {
        context.CopyDropped(port, reason);
        _counters[port].CountEgressDrop(reason);
        vsi?.CountEgressDrop(reason);
    }

    /// <summary>A buffer that is no frame's forwarding copy (a loop probe, a mirror copy) on its port; a full queue is counted there.</summary>
    private void QueueOwnBuffer(FrameBuffer buffer, int port, FrameKind kind)
    {
        if (!TryQueue(buffer, port, kind, vsi: null))
        {
            _counters[port].CountEgressDrop(DropReason.EgressQueueFull);
            _pool.Release(buffer);
        }
    }
}
