// The sanity stage, first on the receive path as in br_handle_frame: a frame whose Ethernet header
// cannot be read, that is longer than the bridge's max-frame-size, or whose source is a group or zero
// address (no host sends from one) goes no further. It owns those drop reasons, sorts the frame by
// destination (unicast, multicast, broadcast) into the context, and counts the kinds received.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal static class SanityStage
{
    /// <summary>
    /// False when the frame is not one a bridge may forward: the context then carries the drop. Its
    /// header was readable (<see cref="Unreadable"/> otherwise); the caller read its addresses and
    /// kind once, as every later stage needs them. Trace mode counts nothing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Admit<TMode>(ref FrameContext context, in EthernetReader header, FrameKind kind, MacAddress source, int length, PortCounters counters, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        if (!TMode.Tracing)
        {
            CountReceived(counters, kind);
        }
        if (length > plan.MaxFrameSize)
        {
            if (TMode.Tracing)
            {
                context.Sink!.Oversized();
            }
            context.Dropped(DropReason.MalformedOversized);
            return false;
        }
        if (TMode.Tracing)
        {
            context.Sink!.Sane(in header, kind);
        }
        if (source.IsGroup || source.IsZero)
        {
            if (TMode.Tracing)
            {
                context.Sink!.InvalidSource(source);
            }
            context.Dropped(DropReason.InvalidSourceMac);
            return false;
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static FrameKind KindOf(MacAddress destination) =>
        !destination.IsGroup ? FrameKind.Unicast : destination.IsBroadcast ? FrameKind.Broadcast : FrameKind.Multicast;

    /// <summary>A header that cannot be read (runt, truncated tag or payload, bad length field): the context then carries the drop.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Unreadable<TMode>(ref FrameContext context, EthernetCheck check)
        where TMode : struct, IReceiveMode
    {
        DropReason reason = check switch
        {
            EthernetCheck.Runt => DropReason.MalformedRunt,
            EthernetCheck.TruncatedTag => DropReason.MalformedTruncatedTag,
            EthernetCheck.InvalidLengthField => DropReason.MalformedLengthField,
            _ => DropReason.MalformedTruncatedPayload,
        };
        if (TMode.Tracing)
        {
            context.Sink!.Unreadable(reason, check);
        }
        context.Dropped(reason);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CountReceived(PortCounters counters, FrameKind kind)
    {
        switch (kind)
        {
            case FrameKind.Unicast:
                counters.RxUnicast++;
                break;
            case FrameKind.Multicast:
                counters.RxMulticast++;
                break;
            default:
                counters.RxBroadcast++;
                break;
        }
    }
}
