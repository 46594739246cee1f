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
        bool egressPolicy = plan.Ports[port].HasEgressPolicy;
        if (egressPolicy && !AdmitEgressPolicy(frame, port, plan))
        {
            _pool.Return(frame);
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
                EgressDrop(frame, port, DropReason.NoHeadroom);
                return;
            }
            frame.HasCustomerTag = true;
        }
        if (egressPolicy && _egressActionsPending && !ApplyEgressActions(frame, plan))
        {
            EgressDrop(frame, port, DropReason.Policed);
            return;
        }
        Enqueue(frame, port, kind);
    }

    /// <summary>Writes a copy straight into the egress port's tag form (one copy, no tag shuffling).</summary>
    private void TransmitCopy(FrameBuffer frame, int port, ForwardingPlan plan, FrameKind kind)
    {
        bool egressPolicy = plan.Ports[port].HasEgressPolicy;
        if (egressPolicy && !AdmitEgressPolicy(frame, port, plan))
        {
            return;
        }
        if (!_pool.TryRent(out FrameBuffer? copy))
        {
            _counters[port].CountEgressDrop(DropReason.PoolExhausted);
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
            EgressDrop(copy, port, DropReason.Policed);
            return;
        }
        Enqueue(copy, port, kind);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enqueue(FrameBuffer frame, int port, FrameKind kind)
    {
        if (!_egress[port].TryEnqueue(frame, frame.TrafficClass))
        {
            EgressDrop(frame, port, DropReason.EgressQueueFull);
            return;
        }
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
    private void EgressDrop(FrameBuffer frame, int port, DropReason reason)
    {
        _counters[port].CountEgressDrop(reason);
        _pool.Return(frame);
    }
}
