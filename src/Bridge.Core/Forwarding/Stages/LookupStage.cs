// The lookup stage, the forwarding decision: a unicast destination the FDB knows goes to its port if
// the delivery rule lets it (DeliveryRule: reflective relay, port state, isolation, VLAN membership,
// ports a protection feature took down or without link, all in one mask); an unknown unicast, multicast or broadcast
// destination is flooded to the eligible ports its kind floods to. It owns the drop reasons of a
// refused delivery and of a flood with nowhere to go.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal static class LookupStage
{
    /// <summary>Flood to the ports left in the out parameter (the context's fate says flooded).</summary>
    public const int Flood = -1;
    /// <summary>Nowhere to go: the context carries the drop.</summary>
    public const int Refused = -2;

    /// <summary>
    /// The known destination's port, or <see cref="Flood"/> with the ports to flood to, or
    /// <see cref="Refused"/>. <paramref name="eligible"/> is the delivery rule's mask for this frame;
    /// <paramref name="closedPorts"/> and <paramref name="linkDownPorts"/> word a refusal (DeliveryRule.WhyNot).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Decide<TMode>(ref FrameContext context, MacAddress destination, ulong eligible, ForwardingPlan plan, FdbTable fdb, ulong closedPorts, ulong linkDownPorts, out ulong floodPorts)
        where TMode : struct, IReceiveMode
    {
        floodPorts = 0;
        int vid = context.Vid;
        FrameKind kind = context.Kind;
        if (kind == FrameKind.Unicast)
        {
            int target = TMode.Tracing ? context.Sink!.LookupFdb(vid, destination) : fdb.Lookup(vid, destination);
            if (target >= 0)
            {
                if ((eligible & (1UL << target)) == 0)
                {
                    return RefuseDelivery<TMode>(ref context, target, plan, closedPorts, linkDownPorts);
                }
                if (TMode.Tracing)
                {
                    context.Sink!.FdbHit(target, vid);
                }
                return target;
            }
            eligible &= plan.UnknownUnicastFloodPorts;
        }
        else
        {
            eligible &= kind == FrameKind.Broadcast ? plan.BroadcastFloodPorts : plan.MulticastFloodPorts;
        }
        context.Fate = DispositionKind.Flooded;
        if (TMode.Tracing)
        {
            context.Sink!.Flood(eligible, kind, vid);
        }
        if (eligible == 0)
        {
            context.Dropped(DropReason.NoEligiblePort);
            return Refused;
        }
        floodPorts = eligible;
        return Flood;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RefuseDelivery<TMode>(ref FrameContext context, int target, ForwardingPlan plan, ulong closedPorts, ulong linkDownPorts)
        where TMode : struct, IReceiveMode
    {
        DropReason why = DeliveryRule.WhyNot(plan, context.Port, target, context.Vid, closedPorts, linkDownPorts);
        if (TMode.Tracing)
        {
            context.Sink!.DeliveryRefused(target, why, context.Vid);
        }
        context.Dropped(why);
        return Refused;
    }
}
