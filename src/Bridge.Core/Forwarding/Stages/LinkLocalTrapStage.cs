// The link-local trap stage: a frame to a reserved 802.1Q group address (01-80-C2-00-00-0X) is never
// relayed as ordinary multicast. The port's group forward mask may release it (LinkLocalPolicy); pause
// is dropped; the rest is trapped to the control plane's queue, which this stage owns (LLDP, BPDUs,
// EVB/ECP/VDP are read from it between batches). Frames to the MVRP address are decided here too
// (MvrpFrames): trapped on an MVRP port, dropped on another port of an MVRP bridge, else relayed. BPDU guard trips here too: the stage says so, and
// the engine, which owns error-disabling, takes the port down.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

/// <summary>What became of a link-local frame.</summary>
internal enum LinkLocalOutcome : byte
{
    /// <summary>Released by the port's mask: it goes on as any multicast.</summary>
    Released,
    /// <summary>On the control plane's queue (the disposition says so).</summary>
    Trapped,
    /// <summary>Dropped: the context carries the reason.</summary>
    Dropped,
    /// <summary>An STP BPDU on a port with BPDU guard: dropped (the context carries it) and the port must go down.</summary>
    GuardTripped,
}

internal sealed class LinkLocalTrapStage(int queueCapacity)
{
    /// <summary>Trapped frames, oldest first; the control plane takes them and returns the buffers.</summary>
    public FrameRing ControlPlane { get; } = new(queueCapacity);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public LinkLocalOutcome Decide<TMode>(ref FrameContext context, MacAddress destination, ref PortPlan ingress, PortCounters counters)
        where TMode : struct, IReceiveMode
    {
        if (ingress.BpduGuard && BpduDetector.IsSpanningTreeBpdu(context.Frame.Span))
        {
            if (TMode.Tracing)
            {
                context.Sink!.BpduGuard(destination);
            }
            context.Dropped(DropReason.BpduGuard);
            return LinkLocalOutcome.GuardTripped;
        }
        switch (LinkLocalPolicy.Decide(destination.LinkLocalIndex, ingress.GroupForwardMask))
        {
            case LinkLocalAction.Forward:
                if (TMode.Tracing)
                {
                    context.Sink!.LinkLocalReleased(destination);
                }
                return LinkLocalOutcome.Released;
            case LinkLocalAction.Drop:
                if (TMode.Tracing)
                {
                    context.Sink!.PauseFrame(destination);
                }
                context.Dropped(DropReason.PauseFrame);
                return LinkLocalOutcome.Dropped;
            default:
                return Trap<TMode>(ref context, destination, counters);
        }
    }

    /// <summary>
    /// A frame to the MVRP address: relayed where the bridge runs no MVRP, trapped on an MVRP port,
    /// dropped on another port (the context says which when this returns false).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool ReleaseMvrp<TMode>(ref FrameContext context, MacAddress destination, ref PortPlan ingress, PortCounters counters)
        where TMode : struct, IReceiveMode
    {
        switch (ingress.MvrpFrames)
        {
            case Configuration.MvrpFrames.Relay:
                if (TMode.Tracing)
                {
                    context.Sink!.MvrpRelayed();
                }
                return true;
            case Configuration.MvrpFrames.Trap:
                Trap<TMode>(ref context, destination, counters);
                return false;
            default:
                if (TMode.Tracing)
                {
                    context.Sink!.MvrpOffOnPort();
                }
                context.Dropped(DropReason.MvrpOffOnPort);
                return false;
        }
    }

    private LinkLocalOutcome Trap<TMode>(ref FrameContext context, MacAddress destination, PortCounters counters)
        where TMode : struct, IReceiveMode
    {
        if (TMode.Tracing ? context.Sink!.Trapped(destination) : ControlPlane.TryEnqueue(context.Frame))
        {
            if (!TMode.Tracing)
            {
                counters.Trapped++;
            }
            context.Fate = DispositionKind.ControlPlane;
            return LinkLocalOutcome.Trapped;
        }
        context.Dropped(DropReason.ControlPlaneQueueFull);
        return LinkLocalOutcome.Dropped;
    }
}
