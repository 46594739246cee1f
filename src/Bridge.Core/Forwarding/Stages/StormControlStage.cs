// The storm control stage: a frame about to be flooded from a storm-controlled port spends a token of
// its kind (broadcast, multicast, unknown unicast) from the port's meter; with none left it is
// dropped with its kind's reason. The stage owns the meters and the reasons; whether the port then
// goes down (action disable) is the engine's, which owns error-disabling. It reports where it drops,
// at most once per port per second, for the log and the port's protection counts.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Forwarding.Stages;

internal sealed class StormControlStage
{
    private readonly StormMeter[] _meters = new StormMeter[BridgeConfig.MaxPorts * 3];
    private readonly uint[] _lastReport = new uint[BridgeConfig.MaxPorts];   // second + 1; 0: never

    /// <summary>Ports where storm control dropped, at most one report per port per second. Forwarding thread only.</summary>
    public ReportLog<StormReport> Reports { get; } = new(64);

    /// <summary>False when the port is over its rate for the frame's kind: the context then carries the drop.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool Admit(ref FrameContext context, ref PortPlan ingress, long frequency, PortCounters counters)
    {
        (long pps, DropReason reason) = RateOf(context.Kind, ref ingress);
        if (pps == 0 || _meters[(context.Port * 3) + (int)context.Kind].TryTake(pps, context.Timestamp, frequency))
        {
            return true;
        }
        context.Dropped(reason);
        if (_lastReport[context.Port] != context.Second + 1)
        {
            _lastReport[context.Port] = context.Second + 1;
            Reports.Add(new StormReport(context.Port, reason, pps, context.Second));
            counters.StormEpisodes++;
        }
        return false;
    }

    /// <summary>
    /// What <see cref="Admit"/> would say, taking no token (trace mode): false, with the drop in the
    /// context, when the port is over its rate. <paramref name="pps"/> is the kind's limit (0: none).
    /// </summary>
    public bool WouldAdmit(ref FrameContext context, ref PortPlan ingress, long frequency, out long pps)
    {
        (pps, DropReason reason) = RateOf(context.Kind, ref ingress);
        StormMeter copy = _meters[(context.Port * 3) + (int)context.Kind];   // a struct: taking from the copy leaves the meter alone
        if (pps == 0 || copy.TryTake(pps, context.Timestamp, frequency))
        {
            return true;
        }
        context.Dropped(reason);
        return false;
    }

    private static (long Pps, DropReason Reason) RateOf(FrameKind kind, ref PortPlan ingress) => kind switch
    {
        FrameKind.Broadcast => (ingress.StormBroadcastPps, DropReason.StormBroadcast),
        FrameKind.Multicast => (ingress.StormMulticastPps, DropReason.StormMulticast),
        _ => (ingress.StormUnknownUnicastPps, DropReason.StormUnknownUnicast),
    };
}
