// MVRPDU frames for the Mrp tests: hand-written PDU bytes behind a real Ethernet header, messages built
// from (VID, event) pairs, and the decoding of a whole sequence of frames back into one message.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mrp;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

public static class MvrpWire
{
    public static MacAddress Source { get; } = MacAddress.Parse("52:54:00:12:34:56");

    /// <summary>01-80-C2-00-00-21, <see cref="Source"/>, EtherType 88-F5: the header every MVRPDU here is behind.</summary>
    public const string HeaderHex = "0180C2000021" + "525400123456" + "88F5";

    /// <summary>An MVRP frame whose PDU (ProtocolVersion onwards) is <paramref name="pduHex"/>; not padded.</summary>
    public static byte[] Frame(string pduHex) => Convert.FromHexString(HeaderHex + pduHex);

    public static MvrpMessage Message(bool leaveAll, params IEnumerable<VidEvent> events)
    {
        var message = new MvrpMessage { LeaveAll = leaveAll };
        message.Events.AddRange(events);
        return message;
    }

    public static List<byte[]> Encode(MvrpMessage message)
    {
        var frames = new List<byte[]>();
        MvrpPdu.Encode(Source, message, frames);
        return frames;
    }

    public static MvrpMessage Decode(byte[] frame)
    {
        var message = new MvrpMessage();
        MvrpError error = MvrpPdu.Decode(frame, message);
        Assert.True(error == MvrpError.None, $"{error}: {Convert.ToHexString(frame)}");
        return message;
    }
}

/// <summary>
/// A real MVRPDU from OpenAvnu's mrpd tests (daemons/mrpd/tests/simple/sample_mvrp_packets.h, mvrp_pdu_pkt1,
/// "from a live capture"): one vector of all 4094 VIDs, VID 1 JoinMt and VIDs 2..4094 Mt. The file's
/// comment says the device sends a LeaveAll, but the VectorHeader is 0x0FFE: LeaveAllEvent 0.
/// </summary>
public static class MrpdCapture
{
    /// <summary>1390 bytes: 17 of headers, 1365 of ThreePackedEvents, two EndMarks.</summary>
    public static byte[] FullVidVector { get; } = Convert.FromHexString(
        "0180C2000021" + "000203041B85" + "88F5"   // to the MVRP address from 00:02:03:04:1b:85
        + "00"                                       // ProtocolVersion
        + "0102"                                     // AttributeType 1 (VID), AttributeLength 2
        + "0FFE" + "0001"                            // VectorHeader: NumberOfValues 4094; FirstValue VID 1
        + "88"                                       // 136 = (3 x 6 + 4) x 6 + 4: JoinMt, Mt, Mt
        + string.Concat(Enumerable.Repeat("AC", 1363))   // 172 = (4 x 6 + 4) x 6 + 4: Mt, Mt, Mt (VIDs 4..4092), as in the file
        + "A8"                                       // 168 = (4 x 6 + 4) x 6 + 0: Mt, Mt (VIDs 4093, 4094) and an unused slot
        + "0000" + "0000");                          // EndMark of the AttributeList, EndMark of the PDU
}
