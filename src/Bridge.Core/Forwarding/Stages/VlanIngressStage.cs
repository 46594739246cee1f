// The VLAN ingress stage: the access-port hopping guard, classification to a VID (C-tag, priority
// tag, or the PVID) and ingress filtering. It owns the VLAN ingress drop reasons and writes the VID,
// the tag state and the PCP into the frame's metadata, where every later stage reads them. Only a
// C-tag (0x8100) is a tag to an 802.1Q port; an outer S-tag (0x88A8) is payload, so such a frame is
// untagged here, as in Linux.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal static class VlanIngressStage
{
    private const ushort NoPvid = 0;
    private const int ReservedVid = 0xFFF;

    /// <summary>
    /// For the flood and policy fast paths: the VID of a frame <see cref="Admit"/> classifies without a
    /// question (untagged, or C-tagged with a VID or a priority tag, on a port that is not an access
    /// port), with whether it was tagged and the tag's PCP and DEI bits; 0 when Admit would have more to
    /// say (a tag on an access port, the reserved VID, no PVID), and the frame takes the general path.
    /// Ingress filtering (membership) is the caller's test.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PlainVid(in EthernetReader header, ref PortPlan ingress, out bool tagged, out ushort priorityBits)
    {
        priorityBits = 0;
        tagged = header.OuterTagProtocol == EtherTypes.CustomerVlan;
        if (ingress.IsAccess && header.TagCount != 0)
        {
            return NoPvid;
        }
        if (!tagged)
        {
            return ingress.Pvid;
        }
        ushort control = header.OuterTagControl;
        int vid = control & 0x0FFF;
        if (vid == ReservedVid)
        {
            return NoPvid;
        }
        priorityBits = (ushort)(control & 0xF000);
        return vid == 0 ? ingress.Pvid : vid;   // priority-tagged: the PVID, PCP kept
    }

    /// <summary>
    /// False when the frame may not enter its VLAN: the context then carries the drop. Admitted, the
    /// VLAN's member ports come out in <paramref name="members"/> (read once here, for ingress filtering,
    /// and used again by learning and the delivery rule).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Admit(ref FrameContext context, in EthernetReader header, ref PortPlan ingress, ForwardingPlan plan, out ulong members)
    {
        members = 0;
        if (ingress.IsAccess && header.TagCount != 0 && RefusedOnAccessPort(ref context, in header))
        {
            return false;
        }
        FrameBuffer frame = context.Frame;
        int vid;
        if (header.OuterTagProtocol == EtherTypes.CustomerVlan)
        {
            ushort control = header.OuterTagControl;
            vid = control & 0x0FFF;
            if (vid == ReservedVid)
            {
                context.Dropped(DropReason.MalformedReservedVid);
                return false;
            }
            frame.HasCustomerTag = true;
            frame.PriorityBits = (ushort)(control & 0xF000);
            if (vid == 0)
            {
                vid = ingress.Pvid;   // priority-tagged: PVID, PCP kept
            }
        }
        else
        {
            frame.HasCustomerTag = false;
            frame.PriorityBits = 0;
            vid = ingress.Pvid;
        }
        if (vid == NoPvid)
        {
            context.Dropped(DropReason.NoPvid);
            return false;
        }
        members = plan.VlanMembers[vid];
        if ((members & (1UL << context.Port)) == 0)
        {
            context.Dropped(DropReason.IngressVlanFiltered);
            return false;
        }
        frame.Vid = (ushort)vid;
        context.Vid = (ushort)vid;
        return true;
    }

    /// <summary>
    /// An access port carries one untagged VLAN: a frame tagged with a real VID, an S-tag, or two
    /// stacked tags of any kind is a VLAN hopping attempt. Priority tags (VID 0) are fine.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool RefusedOnAccessPort(ref FrameContext context, in EthernetReader header)
    {
        if (header.TagCount > 1)
        {
            context.Dropped(DropReason.StackedTagsOnAccessPort);
            return true;
        }
        if (header.OuterTagProtocol != EtherTypes.CustomerVlan || header.OuterVid != 0)
        {
            context.Dropped(DropReason.TaggedOnAccessPort);
            return true;
        }
        return false;
    }
}
