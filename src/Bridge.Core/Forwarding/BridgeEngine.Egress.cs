// The egress half for one destination: the egress VLAN rule (tag or untag per the egress port's
// membership) applied to the frame in place, egress ACLs, and the port's queues. Fan-out to several
// ports, sharing buffers among the copies, is BridgeEngine.Flood.cs.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private const int AddressesSize = 12;
    private const int TagSize = 4;

    /// <summary>Sends the frame itself, retagging it in place for the egress port.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Transmit(FrameBuffer frame, int port, ForwardingPlan plan, FrameKind kind)
    {
        if (plan.Ports[port].HasVsiBindings)
        {
            TransmitToVsiPort(frame, port, plan, kind);
            return;
        }
        Transmit(frame, port, plan, kind, vsi: null);
    }

    /// <summary>A port with VSIs behind it: the same path, told which VSI the copy is for (its counters).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TransmitToVsiPort(FrameBuffer frame, int port, ForwardingPlan plan, FrameKind kind) =>
        Transmit(frame, port, plan, kind, DestinationVsi(frame, port, plan, kind));

    // Inlined twice: where vsi is the constant null, the JIT drops the VSI accounting altogether.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Transmit(FrameBuffer frame, int port, ForwardingPlan plan, FrameKind kind, VsiCounters? vsi)
    {
        bool egressPolicy = plan.Ports[port].HasEgressPolicy;
        if (egressPolicy && !AdmitEgressPolicy(frame, port, plan, vsi))
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
                EgressDrop(frame, port, DropReason.NoHeadroom, vsi);
                return;
            }
            frame.HasCustomerTag = true;
        }
        if (egressPolicy && _egressActionsPending && !ApplyEgressActions(frame, plan))
        {
            EgressDrop(frame, port, DropReason.Policed, vsi);
            return;
        }
        Enqueue(frame, port, kind, vsi);
    }

    /// <summary>Queues a copy on its port; <paramref name="vsi"/> is the VSI it is unicast to (null: none, or not a VSI port).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enqueue(FrameBuffer frame, int port, FrameKind kind, VsiCounters? vsi)
    {
        if (!_egress[port].TryEnqueue(frame, frame.TrafficClass))
        {
            EgressDrop(frame, port, DropReason.EgressQueueFull, vsi);
            return;
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
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EgressDrop(FrameBuffer frame, int port, DropReason reason, VsiCounters? vsi)
    {
        CountEgressDrop(port, reason, vsi);
        _pool.Release(frame);
    }

    /// <summary>A copy meant for <paramref name="port"/> (and for the VSI <paramref name="vsi"/> behind it, if any) was dropped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void CountEgressDrop(int port, DropReason reason, VsiCounters? vsi)
    {
        _counters[port].CountEgressDrop(reason);
        vsi?.CountEgressDrop(reason);
    }
}
