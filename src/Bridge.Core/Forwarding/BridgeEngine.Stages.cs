// The stages that own their state (Forwarding/Stages), held by the engine and run from its receive
// path. A stage decides and writes its drop reason into the frame's context; the engine then drops
// the frame (counters, VSI accounting, the buffer back to the pool) and takes any port action.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding.Stages;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private readonly PingPongGuardStage _pingPongGuard = new();
    private readonly StormControlStage _stormControl = new();

    /// <summary>Bounces the ping-pong guard caught, at most one report per port per second. Forwarding thread only.</summary>
    public ReportLog<PingPongReport> PingPongReports => _pingPongGuard.Reports;

    /// <summary>Ports where storm control dropped, at most one report per port per second. Forwarding thread only.</summary>
    public ReportLog<StormReport> StormReports => _stormControl.Reports;

    /// <summary>A stage's verdict carried out: the drop it wrote into the context.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DropAsDecided<TMode>(ref FrameContext context)
        where TMode : struct, IReceiveMode => Drop<TMode>(ref context, context.Reason);

    /// <summary>Storm control for a frame about to be flooded; over the rate, dropped (and with action disable, the port goes down).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitFlood<TMode>(ref FrameContext context, ref PortPlan ingress)
        where TMode : struct, IReceiveMode
    {
        if (TMode.Tracing)
        {
            bool admitted = _stormControl.WouldAdmit(ref context, ref ingress, _frequency, out long pps);
            context.Sink!.StormControl(pps, admitted, context.Reason, ingress.StormAction);
            if (!admitted)
            {
                DropAsDecided<TMode>(ref context);
            }
            return admitted;
        }
        if (_stormControl.Admit(ref context, ref ingress, _frequency, _counters[context.Port]))
        {
            return true;
        }
        DropAsDecided<TMode>(ref context);
        if (ingress.StormAction == StormAction.Disable)
        {
            ErrorDisable(context.Port, ErrorDisableCause.StormControl, context.Second, holdSeconds: 0);
        }
        return false;
    }
}
