// Port security and learning in a trace: both change the FDB, which a trace only reads, so the sink
// predicts what they would do from the FDB as it is. What learning would do to the source's entry is
// kept as a one-entry overlay, which the trace's forwarding lookup reads (LookupFdb), so a frame to
// its own source MAC (a host talking to itself through a hairpin port) is forwarded by the FDB as
// the engine would have changed it.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tracing;

internal sealed partial class TraceSink
{
    // The source entry as learning would leave it: null when learning leaves it as the FDB has it.
    private (ulong Key, int Port, FdbEntryKind Kind)? _fdbOverride;

    private static ulong KeyOf(int vid, MacAddress mac) => VidMacKey.Of(vid, mac);

    /// <summary>The port the FDB would give for (vid, mac) after this frame's learning; -1 when unknown.</summary>
    public int LookupFdb(int vid, MacAddress mac) =>
        _fdbOverride is var (key, port, _) && key == KeyOf(vid, mac) ? port : _state.Fdb.Lookup(vid, mac);

    private FdbEntry? FindEntry(int vid, MacAddress mac)
    {
        if (_fdbOverride is var (key, port, kind) && key == KeyOf(vid, mac))
        {
            return port < 0 ? null : new FdbEntry(vid, mac, port, kind, _state.Now);
        }
        if (_state.Fdb.Lookup(vid, mac) < 0)
        {
            return null;
        }
        // The FDB shows an entry's kind only in its snapshot; allocating one is fine off the data path.
        foreach (FdbEntry entry in _state.Fdb.Snapshot())
        {
            if (entry.Vid == vid && entry.Mac == mac)
            {
                return entry;
            }
        }
        return null;
    }

    /// <summary>True when port security would let the source send (and secure it, in the overlay); otherwise the violation is recorded.</summary>
    public bool SecureSource(ref PortPlan ingress, int vid)
    {
        int port = _port;
        MacAddress source = Source;
        FdbTable fdb = _state.Fdb;
        if (LookupFdb(vid, source) == port)
        {
            _record.Stage("port-security", $"source {source} is already secure on {Name(port)}");
            return true;
        }
        int held = fdb.LearnedOnPort(port) + fdb.StaticOnPort(port);
        FdbEntry? existing = FindEntry(vid, source);
        // As AdmitSecureSource: a MAC pinned to another port (static, e.g. a VSI's, or sticky) never moves here.
        if (existing is { Kind: not FdbEntryKind.Learned } pinned)
        {
            Violation(ref ingress, $"source {source} is a {pinned.Kind.ToString().ToLowerInvariant()} entry on {Name(pinned.Port)}: it cannot be secured on {Name(port)}");
            return false;
        }
        if (held < ingress.MaxSecureMacs)
        {
            bool learned;
            if (ingress.StickySecure)
            {
                // AddPermanent removes any entry for the MAC first, then needs room among the learned ones.
                int learnedAfterRemoval = fdb.LearnedCount - (existing is null ? 0 : 1);   // a learned entry elsewhere, if any
                learned = learnedAfterRemoval < fdb.LearnedCapacity;
                if (learned)
                {
                    _fdbOverride = (KeyOf(vid, source), port, FdbEntryKind.Sticky);
                }
            }
            else
            {
                learned = PredictLearn(vid, source, port, portLimit: 0, _plan.MaxLearned, out _) is LearnOutcome.Learned or LearnOutcome.Moved;
            }
            if (learned)
            {
                _record.Stage("port-security", $"source {source} would be secured on {Name(port)} ({held + 1} of {ingress.MaxSecureMacs}{(ingress.StickySecure ? ", sticky" : "")})");
                return true;
            }
        }
        Violation(ref ingress, $"source {source} is not secure on {Name(port)}, which holds {held} of {ingress.MaxSecureMacs} MACs");
        return false;
    }

    private void Violation(ref PortPlan ingress, string why)
    {
        string then = ingress.Violation == SecurityViolation.Disable ? $"; port {Name(_port)} would be error-disabled (port-security)" : "";
        Dropped(DropReason.PortSecurityViolation, "port-security", why + then);
    }

    /// <summary>What learning would do with the source: off, held after a protection event, or the predicted outcome (into the overlay).</summary>
    public void Learning(ref PortPlan ingress, int vid, bool held)
    {
        int port = _port;
        MacAddress source = Source;
        if (!ingress.Learning)
        {
            _record.Stage("learning", $"learning is off on {Name(port)}");
            return;
        }
        if (held)
        {
            _record.Stage("learning", $"learning in VLAN {vid} waits a moment after a port went down for protection (the loop's frames in flight must not teach the FDB again)");
            return;
        }
        LearnOutcome outcome = PredictLearn(vid, source, port, ingress.MaxLearned, _plan.MaxLearned, out int from);
        string entry = $"{source} in VLAN {vid}";
        _record.Stage("learning", outcome switch
        {
            LearnOutcome.Refreshed => $"{entry} is known on {Name(port)}: refreshed",
            LearnOutcome.Learned => $"would learn {entry} on {Name(port)}",
            LearnOutcome.Moved => $"would move {entry} from {Name(from)} to {Name(port)}" + (_plan.MoveDampingEnabled ? " (move damping counts it)" : ""),
            LearnOutcome.MoveRefused => $"{entry} is a static or sticky entry on {Name(from)}: it stays there",
            _ => from >= 0
                ? $"would move {entry} from {Name(from)}, but {Name(port)} is at its learning limit: the entry is removed (traffic to it floods)"
                : $"{entry} not learned: learning limit reached (traffic to it floods)",
        });
    }

    /// <summary>What FdbTable.Learn would return (and the entry's current port), applied to the overlay only.</summary>
    private LearnOutcome PredictLearn(int vid, MacAddress mac, int port, int portLimit, int bridgeLimit, out int from)
    {
        FdbTable fdb = _state.Fdb;
        ulong key = KeyOf(vid, mac);
        FdbEntry? existing = FindEntry(vid, mac);
        from = existing?.Port ?? -1;
        if (existing is not FdbEntry entry)
        {
            if (fdb.LearnedCount >= bridgeLimit || fdb.LearnedCount >= fdb.LearnedCapacity || (portLimit != 0 && fdb.LearnedOnPort(port) >= portLimit))
            {
                return LearnOutcome.LimitReached;
            }
            _fdbOverride = (key, port, FdbEntryKind.Learned);
            return LearnOutcome.Learned;
        }
        if (entry.Port == port)
        {
            return LearnOutcome.Refreshed;
        }
        // A move damping pin is invisible outside the FDB; a pinned entry refuses the move (see specs/trace.md).
        if (entry.Kind != FdbEntryKind.Learned)
        {
            return LearnOutcome.MoveRefused;
        }
        if (portLimit != 0 && fdb.LearnedOnPort(port) >= portLimit)
        {
            _fdbOverride = (key, -1, FdbEntryKind.Learned);
            return LearnOutcome.LimitReached;
        }
        _fdbOverride = (key, port, FdbEntryKind.Learned);
        return LearnOutcome.Moved;
    }
}
