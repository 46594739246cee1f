// The egress half: fan-out to eligible ports and the egress VLAN rule (tag or untag per the egress
// port's membership). As in Linux (br_flood), every eligible port but the last gets a copy and the
// last gets the original, so a frame with one destination is never copied.
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private const int AddressesSize = 12;
    private const int TagSize = 4;

    private void Flood(FrameBuffer frame, ulong targets, ForwardingPlan plan, FrameKind kind)
    {
        while ((targets & (targets - 1)) != 0)
        {
            int port = BitOperations.TrailingZeroCount(targets);
            targets &= targets - 1;
            TransmitCopy(frame, port, plan, kind);
        }
        Transmit(frame, BitOperations.TrailingZeroCount(targets), plan, kind);
    }

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

    /// <summary>Writes a copy straight into the egress port's tag form (one copy, no tag shuffling).</summary>
    private void TransmitCopy(FrameBuffer frame, int port, ForwardingPlan plan, FrameKind kind)
    {
        if (plan.Ports[port].HasVsiBindings)
        {
            TransmitCopyToVsiPort(frame, port, plan, kind);
            return;
        }
        TransmitCopy(frame, port, plan, kind, vsi: null);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TransmitCopyToVsiPort(FrameBuffer frame, int port, ForwardingPlan plan, FrameKind kind) =>
        TransmitCopy(frame, port, plan, kind, DestinationVsi(frame, port, plan, kind));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void TransmitCopy(FrameBuffer frame, int port, ForwardingPlan plan, FrameKind kind, VsiCounters? vsi)
    {
        bool egressPolicy = plan.Ports[port].HasEgressPolicy;
        if (egressPolicy && !AdmitEgressPolicy(frame, port, plan, vsi))
        {
            return;
        }
        if (!_pool.TryRent(out FrameBuffer? copy))
        {
            CountEgressDrop(port, DropReason.PoolExhausted, vsi);
            return;
        }
        bool wantTag = (plan.VlanUntagged[frame.Vid] & (1UL << port)) == 0;
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
        if (egressPolicy && _egressActionsPending && !ApplyEgressActions(copy, plan))
        {
            EgressDrop(copy, port, DropReason.Policed, vsi);
            return;
        }
        Enqueue(copy, port, kind, vsi);
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
