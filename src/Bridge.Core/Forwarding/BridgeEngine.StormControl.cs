// Storm control on the receive path: a frame about to be flooded from a storm-controlled port spends
// a token of its kind; with none left it is dropped (and, with action disable, the port goes down).
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private readonly StormMeter[] _stormMeters = new StormMeter[BridgeConfig.MaxPorts * 3];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool AdmitFlood(ref FrameContext context, ref PortPlan ingress)
    {
        FrameKind kind = context.Kind;
        int port = context.Port;
        (long pps, DropReason reason) = kind switch
        {
            FrameKind.Broadcast => (ingress.StormBroadcastPps, DropReason.StormBroadcast),
            FrameKind.Multicast => (ingress.StormMulticastPps, DropReason.StormMulticast),
            _ => (ingress.StormUnknownUnicastPps, DropReason.StormUnknownUnicast),
        };
        if (pps == 0 || _stormMeters[(port * 3) + (int)kind].TryTake(pps, context.Timestamp, _frequency))
        {
            return true;
        }
        Drop(ref context, reason);
        if (ingress.StormAction == StormAction.Disable)
        {
            ErrorDisable(port, ErrorDisableCause.StormControl, context.Second, holdSeconds: 0);
        }
        return false;
    }
}
