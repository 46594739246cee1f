// Which frames a capture session takes: those of one port, in one direction or both, optionally only
// those to or from one MAC (a VM's, or a VSI's, which the host resolves to its MAC and VLAN), in one
// VLAN, and matching a filter expression. The VLAN of a frame is the one it is classified to: its
// C-tag's VID, or the port's PVID for an untagged or priority-tagged frame.
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Capture;

public sealed record CaptureSelector(int Port)
{
    /// <summary>Frames as they arrive on the port (before any retagging), dropped ones with their reason.</summary>
    public bool Inbound { get; init; } = true;

    /// <summary>Copies as they leave by the port, in their egress form, and copies dropped on the way out with their reason.</summary>
    public bool Outbound { get; init; } = true;

    /// <summary>Only frames with this source or destination address; null: any.</summary>
    public MacAddress? Mac { get; init; }

    /// <summary>Only frames in this VLAN; 0: any.</summary>
    public int Vid { get; init; }

    public IFrameFilter? Filter { get; init; }

    /// <summary>Whether a frame in <paramref name="vid"/> with these bytes is one this session takes (direction and port already match).</summary>
    public bool Takes(ReadOnlySpan<byte> frame, int vid)
    {
        if (Vid != 0 && vid != Vid)
        {
            return false;
        }
        if (Mac is MacAddress mac && (frame.Length < 12 || (MacAddress.Read(frame) != mac && MacAddress.Read(frame[6..]) != mac)))
        {
            return false;
        }
        return Filter is null || Filter.Matches(frame);
    }
}
