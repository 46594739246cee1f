// A capture's filter expression, compiled for the engine: the tcpdump-style subset of
// Bridge.Core/Capture/PacketFilterParser (specs/capture.md). A word it does not know is the
// operator's error, answered with the parser's message.
using Hairpin.Bridge.Core.Capture;
using Hairpin.Host.Management;

namespace Hairpin.Host.Runtime;

internal static class CaptureFilters
{
    public static IFrameFilter? Parse(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            return null;
        }
        try
        {
            return PacketFilterParser.Parse(expression);
        }
        catch (FormatException e)
        {
            throw new ManagementException($"filter: {e.Message}");
        }
    }
}
