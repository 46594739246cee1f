// Flow export (IPFIX, issue 12): the flow monitor the host starts and stops from any thread, and the
// engine's two taps for it (and for the inbound capture point beside it): the frame's headers as it
// arrives, before Receive may retag or release it, and its fate once Receive is done. The monitor is
// Flows/FlowMonitor.cs; with no monitor and no capture running a frame pays one test.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Flows;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    private FlowMonitor? _wantedFlowMonitor;
    private FlowMonitor? _flowMonitor;   // the one this batch accounts in
    private bool _flowPending;   // the frame being received was sampled into the flow monitor

    /// <summary>
    /// Any thread: from the next batch on, every frame (or 1 in N, as the monitor samples) is accounted
    /// in <paramref name="monitor"/>, which replaces any running one; null stops flow accounting. The
    /// caller owns the monitor: it expires it between batches and flushes a replaced one.
    /// </summary>
    public void SetFlowMonitor(FlowMonitor? monitor)
    {
        if (monitor is not null && monitor.TimestampFrequency != _frequency)
        {
            throw new ArgumentException("the flow monitor counts time in another clock's ticks than the engine's", nameof(monitor));
        }
        Volatile.Write(ref _wantedFlowMonitor, monitor);
    }

    /// <summary>The monitor frames are (or, from the next batch, will be) accounted in.</summary>
    public FlowMonitor? FlowMonitor => Volatile.Read(ref _wantedFlowMonitor);

    /// <summary>Start of a batch: the monitor this batch accounts in (read once, so the batch's mode and its taps agree).</summary>
    private FlowMonitor? RefreshFlowMonitor() => _flowMonitor = Volatile.Read(ref _wantedFlowMonitor);

    /// <summary>The frame as it arrives, for the inbound capture and the flow monitor; true when either took it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TapInbound(ref FrameContext context, ForwardingPlan plan)
    {
        ulong capturedInbound = _captures.InboundPorts | _mirrors.InboundPorts;   // CaptureInbound serves both
        bool captured = capturedInbound != 0 && CaptureInbound(ref context, capturedInbound, plan);
        FlowMonitor? flows = _flowMonitor;
        _flowPending = flows is not null && flows.ReadIngress(context.Frame.Span, context.Port);
        return captured | _flowPending;
    }

    /// <summary>The engine is done with the frame: its fate goes to the capture that took it and to its flow.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FinishTaps(ref FrameContext context, ForwardingPlan plan)
    {
        _captures.FinishInbound(context.Fate == DispositionKind.Dropped ? context.Reason : null);
        if (_flowPending)
        {
            _flowMonitor!.Account(context.Disposition, context.Timestamp, plan);
        }
    }
}
