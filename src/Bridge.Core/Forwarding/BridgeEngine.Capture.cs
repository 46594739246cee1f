// Live capture (`hairpin capture`): sessions the control plane starts and stops from any thread, and
// the engine's inbound capture point (the outbound one is the enqueue stage's). The capture points
// and their costs are Capture/CaptureTaps.cs; with no session running a frame pays one test.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Capture;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>Any thread: the session starts capturing at the next batch; false when too many run already.</summary>
    public bool StartCapture(CaptureSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        return _captures.Add(session);
    }

    /// <summary>Any thread: the session captures nothing from the next batch on; what it holds stays readable.</summary>
    public void StopCapture(CaptureSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        _captures.Remove(session);
    }

    /// <summary>The frame as it arrives, for the mirroring sessions and the captures of its port inbound; true when a capture took it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool CaptureInbound(ref FrameContext context, ulong capturedPorts, ForwardingPlan plan)
    {
        int port = context.Port;
        if ((uint)port >= (uint)plan.PortCount || (capturedPorts & (1UL << port)) == 0)
        {
            return false;
        }
        if ((_mirrors.InboundPorts & (1UL << port)) != 0)
        {
            _mirrors.TapInbound(context.Frame, port, plan.Ports[port].Pvid);
        }
        return (_captures.InboundPorts & (1UL << port)) != 0 && _captures.TapInbound(context.Frame, port, plan.Ports[port].Pvid, context.Timestamp);
    }
}
