// The kind of frame a run of copies carries, as a type: a flood's copies all have its kind, so the loop
// that queues them is compiled once per kind and counts each copy sent without asking the kind again
// (EnqueueStage.QueueShared). The JIT drops the call: each CountSent is one increment.
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal interface ICopyKind
{
    /// <summary>One copy of this kind sent by the port of <paramref name="counters"/> (TxFrames and TxBytes are the caller's).</summary>
    static abstract void CountSent(PortCounters counters);
}

internal readonly struct BroadcastCopy : ICopyKind
{
    public static void CountSent(PortCounters counters) => counters.TxBroadcast++;
}

internal readonly struct MulticastCopy : ICopyKind
{
    public static void CountSent(PortCounters counters) => counters.TxMulticast++;
}
