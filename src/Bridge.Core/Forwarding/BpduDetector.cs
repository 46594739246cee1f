// Tells an STP/RSTP/MSTP BPDU (802.3 length field, LLC DSAP 0x42 SSAP 0x42) from the other frames
// that share its address 01-80-C2-00-00-00: 802.1Qbg's EVB TLV (LLDP, 0x88CC) and ECP/VDP (0x8940)
// are EtherType frames and must never trip BPDU guard.
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

internal static class BpduDetector
{
    private const byte SpanningTreeSap = 0x42;

    public static bool IsSpanningTreeBpdu(ReadOnlySpan<byte> frame)
    {
        var header = new EthernetReader(frame);
        if (!header.IsValid || !header.IsLengthField)
        {
            return false;
        }
        ReadOnlySpan<byte> llc = header.Payload;
        return llc.Length >= 3 && llc[0] == SpanningTreeSap && llc[1] == SpanningTreeSap;
    }
}
