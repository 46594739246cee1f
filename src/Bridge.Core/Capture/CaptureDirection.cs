// Which way a captured frame was going at the capture point, as the bridge saw it. The values are
// pcapng's epb_flags direction bits (inbound = 1, outbound = 2), so a writer stores them unchanged.
namespace Hairpin.Bridge.Core.Capture;

public enum CaptureDirection : byte
{
    /// <summary>Received by the bridge on the captured port.</summary>
    Inbound = 1,
    /// <summary>Sent by the bridge out of the captured port.</summary>
    Outbound = 2,
}
