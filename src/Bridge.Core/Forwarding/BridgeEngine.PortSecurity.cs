// Port security on the receive path: it runs only on ports configured for it (PortPlan.Stages), out
// of line. (The access-port VLAN hopping guard is part of Stages/VlanIngressStage.)
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
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
                if (LearningStage.Count(_counters[port], outcome))
                {
                    OnMoved(vid, source, port, now);   // damping sees moves
                }
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
