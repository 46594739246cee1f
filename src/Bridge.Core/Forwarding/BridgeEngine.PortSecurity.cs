// Port security's verdict carried out (the stage is Stages/PortSecurityStage.cs): a move it learned
// goes to move damping, and a violation drops the frame and, with `violation disable`, takes the port
// down. (The access-port VLAN hopping guard is part of Stages/VlanIngressStage.)
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>False when port security refused the source (the frame is dropped, the port perhaps down).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitSecureSource<TMode>(ref FrameContext context, MacAddress source, ref PortPlan ingress, ForwardingPlan plan)
        where TMode : struct, IReceiveMode
    {
        switch (PortSecurityStage.Admit<TMode>(ref context, source, ref ingress, _fdb, _counters[context.Port], plan.MaxLearned))
        {
            case SecureSourceOutcome.Violation:
                DropAsDecided<TMode>(ref context);
                if (!TMode.Tracing && ingress.Violation == SecurityViolation.Disable)
                {
                    ErrorDisable(context.Port, ErrorDisableCause.PortSecurity, context.Second, holdSeconds: 0);
                }
                return false;
            case SecureSourceOutcome.MovedIn:
                OnMoved(context.Vid, source, context.Port, context.Second);
                return true;
            default:
                return true;
        }
    }
}
