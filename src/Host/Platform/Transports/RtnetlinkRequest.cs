// The one request the carrier watcher sends: RTM_GETLINK for one interface index, answered with an
// RTM_NEWLINK on the same socket as the link events, so the answer takes its place among them in
// order. The request's sequence number is the index asked about: an error answer (the interface went
// meanwhile) then names the port it concerns without a table of requests.
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

internal static class RtnetlinkRequest
{
    public const int GetLinkSize = RtnetlinkParser.HeaderSize + RtnetlinkParser.LinkInfoSize;
    private const ushort NlmRequest = 0x1;

    /// <summary>Writes RTM_GETLINK for <paramref name="index"/> (no dump: one answer) into <paramref name="destination"/>.</summary>
    public static void WriteGetLink(Span<byte> destination, int index)
    {
        Span<byte> request = destination[..GetLinkSize];
        request.Clear();
        Write(request, (uint)GetLinkSize);
        Write(request[4..], RtnetlinkParser.RtmGetLink);
        Write(request[6..], NlmRequest);
        Write(request[8..], (uint)index);   // sequence number: the index (see the file's comment)
        // Port id 0: the kernel. ifinfomsg: family AF_UNSPEC, then the index.
        Write(request[(RtnetlinkParser.HeaderSize + 4)..], index);
    }

    private static void Write<T>(Span<byte> destination, T value)
        where T : struct => MemoryMarshal.Write(destination, in value);
}
