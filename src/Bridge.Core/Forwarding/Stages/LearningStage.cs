// The learning stage: the source (VID, MAC) of every frame a learning port admits is written into the
// FDB with the batch's second, within the port's and the bridge's limits, and what that did is counted
// (learned, moved in, limit hit). It owns the learning hold: after a protection feature takes a port
// down and the FDB is flushed, learning in that port's VLANs waits a moment, or frames of the loop
// still in flight (queues, wires) would teach again what the flush removed. A move is returned, not
// handled: move damping belongs to the engine's protection features.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal sealed class LearningStage(FdbTable fdb)
{
    /// <summary>How long learning waits after a flush (whole engine seconds, so 1 to 2 s).</summary>
    public const uint HoldSeconds = 2;

    private ulong _heldPorts;
    private uint _heldUntil;

    /// <summary>Before this second no VLAN is held (the engine's fast path tests it before anything else of learning).</summary>
    public uint HeldUntil => _heldUntil;

    /// <summary>The ports whose VLANs learn nothing until the hold ends, <paramref name="port"/> now among them.</summary>
    public ulong Hold(int port, uint now)
    {
        _heldPorts = (now < _heldUntil ? _heldPorts : 0) | (1UL << port);
        _heldUntil = now + HoldSeconds;
        return _heldPorts;
    }

    /// <summary>
    /// Learns the frame's source on its port unless the port does not learn or its VLAN (whose member
    /// ports are <paramref name="members"/>) is held; true when the entry moved here from another port.
    /// Trace mode learns nothing: it says what would happen.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Learn<TMode>(ref FrameContext context, MacAddress source, ref PortPlan ingress, ulong members, PortCounters counters, int bridgeLimit)
        where TMode : struct, IReceiveMode
    {
        uint now = context.Second;
        if (TMode.Tracing)
        {
            context.Sink!.Learning(ref ingress, context.Vid, held: now < _heldUntil && (members & _heldPorts) != 0);
            return false;
        }
        return Learn(context.Vid, source, context.Port, now, ref ingress, members, counters, bridgeLimit);
    }

    /// <summary>Live learning from values the caller holds (the engine's known-unicast fast path has no context); true when the host moved here.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Learn(int vid, MacAddress source, int port, uint now, ref PortPlan ingress, ulong members, PortCounters counters, int bridgeLimit)
    {
        if (!ingress.Learning || (now < _heldUntil && (members & _heldPorts) != 0))
        {
            return false;
        }
        LearnOutcome outcome = fdb.Learn(vid, source, port, now, ingress.MaxLearned, bridgeLimit);
        return outcome != LearnOutcome.Refreshed && Count(counters, outcome);   // a known host refreshing itself is the common case
    }

    /// <summary>Counts what learning did on the port (also for port security's own learning); true for a move.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool Count(PortCounters counters, LearnOutcome outcome)
    {
        switch (outcome)
        {
            case LearnOutcome.Learned:
                counters.Learned++;
                return false;
            case LearnOutcome.Moved:
                counters.MovedIn++;
                return true;
            case LearnOutcome.LimitReached:
                counters.LearnLimitHits++;
                return false;
            default:
                return false;
        }
    }
}
