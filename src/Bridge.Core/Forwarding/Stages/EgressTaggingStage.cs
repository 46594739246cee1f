// The egress tagging stage: a copy leaves tagged with the VID (and priority) it was classified to, or
// untagged, as the egress port's membership of the VLAN says (`untagged`). The frame is retagged in
// place when it goes alone; a flood puts the original once in the form most copies share and writes
// at most one copy in the other form straight from the metadata. It owns `no-headroom`.
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal static class EgressTaggingStage
{
    private const int AddressesSize = 12;
    private const int TagSize = 4;

    /// <summary>Whether a copy in <paramref name="vid"/> leaves <paramref name="port"/> tagged.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool WantsTag(ForwardingPlan plan, int vid, int port) => (plan.VlanUntagged[vid] & (1UL << port)) == 0;

    /// <summary>Puts the frame itself in <paramref name="port"/>'s form; false (drop `no-headroom`) when a tag does not fit in front.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Retag(FrameBuffer frame, int port, ForwardingPlan plan)
    {
        bool wantTag = WantsTag(plan, frame.Vid, port);
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
                return false;
            }
            frame.HasCustomerTag = true;
        }
        return true;
    }

    /// <summary>
    /// Retags the original once for every copy that will share it: into the other form when no port
    /// wants the form it arrived in, and a tag's VID and priority to what the frame was classified to
    /// (a priority-tagged frame leaves with its VID). Copies are written from the metadata, not this tag.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void PutInSharedForm(FrameBuffer frame, ulong targets, ulong untaggedPorts)
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

    /// <summary>Writes a copy straight into a tag form (one copy, no tag shuffling); false when the pool is empty.</summary>
    public static bool TryCopyInForm(FrameBuffer frame, bool wantTag, FramePool pool, [NotNullWhen(true)] out FrameBuffer? copy)
    {
        if (!pool.TryRent(out copy))
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
}
