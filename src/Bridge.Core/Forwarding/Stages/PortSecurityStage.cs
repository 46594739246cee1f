// The port security stage, on ports configured for it: a source MAC may send if the port already holds
// it (configured or learned), or if the port has room for one more, and then it is learned here
// (sticky if asked). A MAC pinned to another port (static, e.g. a VSI's, or sticky) never moves here.
// Anything else is a violation, with its drop reason (`port-security`); whether the port then goes
// down (`violation disable`) is the engine's, which owns error-disabling, as are move reports.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

/// <summary>What port security made of a frame's source.</summary>
internal enum SecureSourceOutcome : byte
{
    /// <summary>Already the port's: admitted.</summary>
    Known,
    /// <summary>New on the port, and learned: admitted.</summary>
    Learned,
    /// <summary>Learned here after being learned on another port: admitted, and a move for damping.</summary>
    MovedIn,
    /// <summary>Refused: the context carries the drop.</summary>
    Violation,
}

internal static class PortSecurityStage
{
    /// <summary>Trace mode learns nothing: it predicts what would happen from the trace's view of the FDB.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static SecureSourceOutcome Admit<TMode>(ref FrameContext context, MacAddress source, ref PortPlan ingress, FdbTable fdb, PortCounters counters, int bridgeLimit)
        where TMode : struct, IReceiveMode
    {
        if (TMode.Tracing)
        {
            if (context.Sink!.SecureSource(ref ingress, context.Vid))
            {
                return SecureSourceOutcome.Known;
            }
            context.Dropped(DropReason.PortSecurityViolation);
            return SecureSourceOutcome.Violation;
        }
        int vid = context.Vid;
        int port = context.Port;
        uint now = context.Second;
        int holder = fdb.Lookup(vid, source);
        if (holder == port)
        {
            return SecureSourceOutcome.Known;
        }
        bool pinnedElsewhere = holder >= 0 && fdb.KindOf(vid, source) != FdbEntryKind.Learned;
        if (!pinnedElsewhere && fdb.LearnedOnPort(port) + fdb.StaticOnPort(port) < ingress.MaxSecureMacs)
        {
            LearnOutcome outcome = ingress.StickySecure
                ? (fdb.AddPermanent(vid, source, port, FdbEntryKind.Sticky, now) ? (holder >= 0 ? LearnOutcome.Moved : LearnOutcome.Learned) : LearnOutcome.LimitReached)
                : fdb.Learn(vid, source, port, now, portLimit: 0, bridgeLimit);
            if (outcome is LearnOutcome.Learned or LearnOutcome.Moved)
            {
                return LearningStage.Count(counters, outcome) ? SecureSourceOutcome.MovedIn : SecureSourceOutcome.Learned;
            }
        }
        context.Dropped(DropReason.PortSecurityViolation);
        return SecureSourceOutcome.Violation;
    }
}
