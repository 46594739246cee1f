// The 802.1Qbg VSI stage: a frame from one of the port's VSIs is admitted and counted to it (the frame
// remembers which, so a later drop is charged to the VSI too); any other (VID, source MAC) is refused
// on a port that enforces admission (`vsi-not-associated`) and passes, uncounted, on one that does
// not. Per copy on egress, the VSI a unicast copy is for. The publish-time half (bindings pinned in
// the FDB, counters kept by VSIID) is BridgeEngine.VsiBindings.cs.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal static class VsiAdmissionStage
{
    /// <summary>False when the port refuses the sender: the context then carries the drop. Trace mode counts nothing.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Admit<TMode>(ref FrameContext context, MacAddress source, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        int vid = context.Vid;
        Dictionary<ulong, int>? bindings = plan.VsiBindings[port];
        // A VSI whose filter names a VID only (802.1Qbg filter formats 1 and 3) admits any MAC in it.
        if (bindings is not null && (bindings.TryGetValue(VidMacKey.Of(vid, source), out int vsi) || bindings.TryGetValue(VidMacKey.Of(vid, MacAddress.Zero), out vsi)))
        {
            frame.SourceVsi = (short)vsi;
            if (!TMode.Tracing)
            {
                plan.VsiCounters[vsi].CountRx(frame.Length);
            }
            return true;
        }
        if (!plan.Ports[port].VsiEnforced)
        {
            return true;
        }
        context.Dropped(DropReason.VsiNotAssociated);
        return false;
    }

    /// <summary>
    /// The VSI a copy leaving by <paramref name="port"/> is for: unicast to one of the port's VSIs'
    /// (VID, MAC). Broadcast and multicast copies are for every VM behind the port, so for none.
    /// </summary>
    public static VsiCounters? DestinationOf(FrameBuffer frame, int port, ForwardingPlan plan, FrameKind kind) =>
        kind == FrameKind.Unicast && plan.VsiBindings[port]?.TryGetValue(VidMacKey.Of(frame.Vid, MacAddress.Read(frame.Span)), out int vsi) == true
            ? plan.VsiCounters[vsi]
            : null;
}
