// The port state stage: a disabled port hears nothing; a port that is not forwarding (blocking,
// listening, learning) hears only what the link-local trap takes first, its control frames (BPDUs,
// LLDP, EVB must reach the control plane on a blocking port, as in br_handle_frame). It owns the
// two drop reasons; the engine runs it in two halves around the link-local trap.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal static class PortStateStage
{
    /// <summary>False on a disabled port: the context then carries the drop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Hears<TMode>(ref FrameContext context, ref PortPlan ingress)
        where TMode : struct, IReceiveMode
    {
        if (ingress.State == PortState.Disabled)
        {
            if (TMode.Tracing)
            {
                context.Sink!.PortDisabled();
            }
            context.Dropped(DropReason.IngressPortDisabled);
            return false;
        }
        if (TMode.Tracing)
        {
            context.Sink!.PortState(ingress.State);
        }
        return true;
    }

    /// <summary>False on a port that forwards nothing (what is not a trapped control frame): the context then carries the drop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Forwards<TMode>(ref FrameContext context, ref PortPlan ingress)
        where TMode : struct, IReceiveMode
    {
        if (ingress.State == PortState.Forwarding)
        {
            return true;
        }
        if (TMode.Tracing)
        {
            context.Sink!.Blocking(ingress.State);
        }
        context.Dropped(DropReason.IngressPortBlocking);
        return false;
    }
}
