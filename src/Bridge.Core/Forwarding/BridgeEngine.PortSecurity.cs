// Port security and the access-port VLAN hopping guard, on the receive path. Both run only on ports
// configured for them, out of line, so an ordinary port pays one predictable branch each.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>
    /// An access port carries one untagged VLAN: a frame tagged with a real VID, an S-tag, or two
    /// stacked tags of any kind is a VLAN hopping attempt. Priority tags (VID 0) are fine.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitTagsOnAccessPort(ref FrameContext context, in EthernetReader header)
    {
        if (header.TagCount > 1)
        {
            Drop(ref context, DropReason.StackedTagsOnAccessPort);
            return false;
        }
        if (header.OuterTagProtocol != EtherTypes.CustomerVlan || header.OuterVid != 0)
        {
            Drop(ref context, DropReason.TaggedOnAccessPort);
            return false;
        }
        return true;
    }

    /// <summary>
    /// A source MAC may send on a secured port if the port already holds it (configured or learned),
    /// or if the port has room for one more; then it is learned here (sticky if asked). Otherwise
    /// the frame is a violation: dropped, and with `violation disable` the port goes down.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitSecureSource(ref FrameContext context, MacAddress source, ref PortPlan ingress)
    {
        int vid = context.Vid;
        int port = context.Port;
        uint now = context.Second;
        int holder = _fdb.Lookup(vid, source);
        if (holder == port)
        {
            return true;
        }
        // A MAC pinned to another port (static or sticky) never moves here, sticky learning or not.
        bool pinnedElsewhere = holder >= 0 && _fdb.KindOf(vid, source) != FdbEntryKind.Learned;
        if (!pinnedElsewhere && _fdb.LearnedOnPort(port) + _fdb.StaticOnPort(port) < ingress.MaxSecureMacs)
        {
            LearnOutcome outcome = ingress.StickySecure
                ? (_fdb.AddPermanent(vid, source, port, FdbEntryKind.Sticky, now) ? (holder >= 0 ? LearnOutcome.Moved : LearnOutcome.Learned) : LearnOutcome.LimitReached)
                : _fdb.Learn(vid, source, port, now, portLimit: 0, bridgeLimit: _plan.MaxLearned);
            if (outcome is LearnOutcome.Learned or LearnOutcome.Moved)
            {
                AfterLearning(context.Counters, outcome, vid, source, port, now);   // counts Learned or MovedIn, and damping sees moves
                return true;
            }
        }
        Drop(ref context, DropReason.PortSecurityViolation);
        if (ingress.Violation == SecurityViolation.Disable)
        {
            ErrorDisable(port, ErrorDisableCause.PortSecurity, now, holdSeconds: 0);
        }
        return false;
    }
}
