// 802.1Qbg VSI admission and accounting on the forwarding path. Only ports with VSIs (or enforcing
// them) take these out-of-line steps, so every other port pays one predictable branch on ingress and
// one per copy on egress. The publish-time half is BridgeEngine.VsiBindings.cs.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>
    /// A frame from one of the port's VSIs is admitted and counted to it (the frame remembers which,
    /// so a later drop is charged to the VSI too). Any other (VID, source MAC) is dropped on a port
    /// that enforces admission (`vsi-not-associated`) and passes, uncounted, on one that does not.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitVsiSource(ref FrameContext context, MacAddress source, ForwardingPlan plan)
    {
        FrameBuffer frame = context.Frame;
        int port = context.Port;
        int vid = context.Vid;
        Dictionary<ulong, int>? bindings = plan.VsiBindings[port];
        // A VSI whose filter names a VID only (802.1Qbg filter formats 1 and 3) admits any MAC in it.
        if (bindings is not null && (bindings.TryGetValue(VidMacKey.Of(vid, source), out int vsi) || bindings.TryGetValue(VidMacKey.Of(vid, MacAddress.Zero), out vsi)))
        {
            frame.SourceVsi = (short)vsi;
            plan.VsiCounters[vsi].CountRx(frame.Length);
            return true;
        }
        if (!plan.Ports[port].VsiEnforced)
        {
            return true;
        }
        Drop(ref context, DropReason.VsiNotAssociated);
        return false;
    }

    /// <summary>
    /// The VSI a copy leaving by <paramref name="port"/> is for: unicast to one of the port's VSIs'
    /// (VID, MAC). Broadcast and multicast copies are for every VM behind the port, so for none.
    /// </summary>
    private static VsiCounters? DestinationVsi(FrameBuffer frame, int port, ForwardingPlan plan, FrameKind kind) =>
        kind == FrameKind.Unicast && plan.VsiBindings[port]?.TryGetValue(VidMacKey.Of(frame.Vid, MacAddress.Read(frame.Span)), out int vsi) == true
            ? plan.VsiCounters[vsi]
            : null;
}
