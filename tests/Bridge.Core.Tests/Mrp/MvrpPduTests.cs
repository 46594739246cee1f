// MvrpPdu against 802.1Q's MRPDU layout: hand-derived bytes, round trips (single VIDs, runs, all 4094
// VIDs, messages split over several frames), mrpd's captured 4094-VID vector, and every decoding rule
// and refusal written out as a frame.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Mrp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Infrastructure.MvrpWire;

namespace Hairpin.Bridge.Core.Tests.Mrp;

public class MvrpPduTests
{
    private const int FirstVectorOffset = 17;   // 14 of Ethernet, ProtocolVersion, AttributeType, AttributeLength
    private const int MaxFrameSize = 14 + MvrpPdu.MaxPayload;

    private static VidEvent E(int vid, MrpAttributeEvent attributeEvent) => new((ushort)vid, attributeEvent);

    private static MvrpError DecodeError(string pduHex) => MvrpPdu.Decode(Frame(pduHex), new MvrpMessage());

    // ---- encoding ----

    [Fact]
    public void SmallMessageEncodesToTheBytesThe802Dot1QLayoutGives()
    {
        MvrpMessage message = Message(false,
            E(10, MrpAttributeEvent.JoinIn), E(11, MrpAttributeEvent.Lv), E(12, MrpAttributeEvent.New), E(13, MrpAttributeEvent.JoinMt),
            E(100, MrpAttributeEvent.In));

        // Ethernet: 01-80-C2-00-00-21, the source, 88-F5. Then ProtocolVersion 00, AttributeType 01 (VID),
        // AttributeLength 02.
        // VIDs 10..13 are consecutive: one vector. VectorHeader = LeaveAllEvent 0 << 13 | NumberOfValues 4
        // = 0004; FirstValue 10 = 000A; events JoinIn 1, Lv 5, New 0 pack to (1 x 6 + 5) x 6 + 0 = 66 = 42;
        // JoinMt 3 and two unused slots (0) to (3 x 6 + 0) x 6 + 0 = 108 = 6C.
        // VID 100 stands alone: 0001, FirstValue 0064, In 2 packs to (2 x 6 + 0) x 6 + 0 = 72 = 48.
        // EndMark 0000 ends the AttributeList, another ends the PDU: 32 bytes, zero-padded to 60.
        byte[] expected = Frame("00" + "0102" + "0004000A426C" + "0001006448" + "0000" + "0000" + new string('0', 2 * 28));

        byte[] frame = Assert.Single(Encode(message));

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(frame));
    }

    [Fact]
    public void SingleVidIsOneVectorOfOneValueAndDecodesBack()
    {
        MvrpMessage message = Message(false, E(42, MrpAttributeEvent.JoinMt));

        byte[] frame = Assert.Single(Encode(message));

        Assert.Equal(60, frame.Length);
        Assert.Equal(0x0001, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(FirstVectorOffset)));
        Assert.Equal(42, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(FirstVectorOffset + 2)));
        Assert.Equal(3 * 36, frame[FirstVectorOffset + 4]);
        MvrpMessage decoded = Decode(frame);
        Assert.False(decoded.LeaveAll);
        Assert.Equal(message.Events, decoded.Events);
    }

    [Fact]
    public void TwoSeparateRunsBecomeTwoVectors()
    {
        MvrpMessage message = Message(false,
            E(10, MrpAttributeEvent.JoinIn), E(11, MrpAttributeEvent.JoinIn), E(12, MrpAttributeEvent.JoinIn),
            E(20, MrpAttributeEvent.Lv), E(21, MrpAttributeEvent.Lv));

        byte[] frame = Assert.Single(Encode(message));

        int second = FirstVectorOffset + 4 + 1;   // three values pack into one byte
        Assert.Equal(3, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(FirstVectorOffset)));
        Assert.Equal(10, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(FirstVectorOffset + 2)));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(second)));
        Assert.Equal(20, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(second + 2)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(second + 5)));   // the list's EndMark
        Assert.Equal(message.Events, Decode(frame).Events);
    }

    [Fact]
    public void AllVidsFitOneVectorInOneFrameAndDecodeBack()
    {
        MvrpMessage message = Message(false, Enumerable.Range(1, 4094).Select(vid => E(vid, (MrpAttributeEvent)((vid * 7) % 6))));

        byte[] frame = Assert.Single(Encode(message));

        // 17 bytes of headers, VectorHeader and FirstValue, ceil(4094 / 3) = 1365 packed, two EndMarks
        Assert.Equal(17 + 4 + 1365 + 4, frame.Length);
        Assert.Equal(4094, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(FirstVectorOffset)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(FirstVectorOffset + 2)));
        MvrpMessage decoded = Decode(frame);
        Assert.Equal(message.Events, decoded.Events);
        Assert.False(decoded.LeaveAll);
    }

    [Fact]
    public void LeaveAllAloneIsAVectorOfNoValuesWithFirstValueOne()
    {
        byte[] frame = Assert.Single(Encode(Message(true)));

        // VectorHeader LeaveAllEvent 1 << 13 | NumberOfValues 0 = 2000, FirstValue 0001, no packed byte
        Assert.Equal(Convert.ToHexString(Frame("00" + "0102" + "20000001" + "0000" + "0000" + new string('0', 2 * 35))), Convert.ToHexString(frame));
        MvrpMessage decoded = Decode(frame);
        Assert.True(decoded.LeaveAll);
        Assert.Empty(decoded.Events);
    }

    [Fact]
    public void LeaveAllWithEventsRidesOnTheFirstVectorOnly()
    {
        MvrpMessage message = Message(true, E(5, MrpAttributeEvent.Mt), E(7, MrpAttributeEvent.Lv));

        byte[] frame = Assert.Single(Encode(message));

        // 2001 0005 and Mt 4 x 36 = 144 = 90; then 0001 0007 and Lv 5 x 36 = 180 = B4
        Assert.StartsWith(Convert.ToHexString(Frame("00" + "0102" + "2001000590" + "00010007B4" + "00000000")), Convert.ToHexString(frame), StringComparison.Ordinal);
        MvrpMessage decoded = Decode(frame);
        Assert.True(decoded.LeaveAll);
        Assert.Equal(message.Events, decoded.Events);
    }

    [Fact]
    public void MessageWithNeitherEventsNorLeaveAllAddsNoFrame()
    {
        Assert.Empty(Encode(Message(false)));
    }

    [Fact]
    public void EveryOtherVidSplitsOverSeveralFramesThatTogetherSayTheWholeMessage()
    {
        MvrpMessage message = Message(true, Enumerable.Range(0, 2047).Select(i => E(1 + (2 * i), (MrpAttributeEvent)(i % 6))));

        List<byte[]> frames = Encode(message);

        // 2047 vectors of 5 bytes each (10235) need 7 PDUs of at most 1493 bytes of vectors
        Assert.Equal(7, frames.Count);
        var events = new List<VidEvent>();
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.InRange(frames[i].Length, 60, MaxFrameSize);
            MvrpMessage part = Decode(frames[i]);
            Assert.Equal(i == 0, part.LeaveAll);
            events.AddRange(part.Events);
        }
        Assert.Equal(message.Events, events);
    }

    [Fact]
    public void RunLongerThanTheRoomLeftContinuesInTheNextFrame()
    {
        // 200 lone VIDs (1000 bytes of vectors), then VIDs 1000..4094 in one run (1036 bytes as one vector)
        MvrpMessage message = Message(false,
            Enumerable.Range(1, 200).Select(i => E(2 * i, MrpAttributeEvent.JoinIn))
                .Concat(Enumerable.Range(1000, 3095).Select(vid => E(vid, (MrpAttributeEvent)(vid % 6)))));

        List<byte[]> frames = Encode(message);

        Assert.Equal(2, frames.Count);
        Assert.Equal(MaxFrameSize, frames[0].Length);   // the first is filled: 1000 + 493 bytes of vectors
        Assert.True(frames[1].Length <= MaxFrameSize);
        List<VidEvent> both = [.. Decode(frames[0]).Events, .. Decode(frames[1]).Events];
        Assert.Equal(message.Events, both);
    }

    [Fact]
    public void RandomMessagesRoundTrip()
    {
        var random = new Random(20_261_204);
        for (int trial = 0; trial < 300; trial++)
        {
            var message = new MvrpMessage { LeaveAll = random.Next(2) == 0 };
            int density = random.Next(1, 100);   // percent of VIDs present: from scattered to nearly all
            for (int vid = 1; vid <= 4094; vid++)
            {
                if (random.Next(100) < density)
                {
                    message.Events.Add(E(vid, (MrpAttributeEvent)random.Next(6)));
                }
            }

            List<byte[]> frames = Encode(message);

            var events = new List<VidEvent>();
            for (int i = 0; i < frames.Count; i++)
            {
                Assert.InRange(frames[i].Length, 60, MaxFrameSize);
                MvrpMessage part = Decode(frames[i]);
                Assert.Equal(message.LeaveAll && i == 0, part.LeaveAll);
                events.AddRange(part.Events);
            }
            Assert.Equal(message.Events, events);
        }
    }

    [Theory]
    [InlineData(new[] { 0 }, 0)]
    [InlineData(new[] { 4095 }, 0)]
    [InlineData(new[] { 5, 5 }, 0)]
    [InlineData(new[] { 7, 6 }, 0)]
    [InlineData(new[] { 7 }, 6)]
    public void UnencodableMessagesThrowAndAddNothing(int[] vids, int attributeEvent)
    {
        MvrpMessage message = Message(true, vids.Select(vid => E(vid, (MrpAttributeEvent)attributeEvent)));
        var frames = new List<byte[]>();

        Assert.Throws<ArgumentException>(() => MvrpPdu.Encode(Source, message, frames));
        Assert.Empty(frames);
    }

    // ---- decoding what others send ----

    [Fact]
    public void MrpdCapturedFullVectorDecodesToJoinMtThenMt()
    {
        var message = new MvrpMessage();

        Assert.Equal(MvrpError.None, MvrpPdu.Decode(MrpdCapture.FullVidVector, message));

        Assert.False(message.LeaveAll);
        Assert.Equal(4094, message.Events.Count);
        Assert.Equal(E(1, MrpAttributeEvent.JoinMt), message.Events[0]);
        Assert.All(message.Events.Skip(1), e => Assert.Equal(MrpAttributeEvent.Mt, e.Event));
        Assert.Equal(Enumerable.Range(1, 4094).Select(vid => (ushort)vid), message.Events.Select(e => e.Vid));
    }

    [Fact]
    public void MrpdCapturedFullVectorIsWhatTheEncoderWritesForTheSameMessage()
    {
        MvrpMessage message = Decode(MrpdCapture.FullVidVector);

        byte[] frame = Assert.Single(Encode(message));

        // same bytes after the source address (ours differs)
        Assert.Equal(Convert.ToHexString(MrpdCapture.FullVidVector.AsSpan(12)), Convert.ToHexString(frame.AsSpan(12)));
    }

    // ---- decoding rules ----

    [Theory]
    [InlineData("0180C2000021525400123456" + "88F6")]   // another EtherType
    [InlineData("0180C2000021525400123456" + "8100000088F6")]   // priority-tagged, another EtherType
    [InlineData("0180C2000021525400123456" + "8100000A0800")]   // tagged, another EtherType
    [InlineData("0180C2000020525400123456" + "88F5")]   // the MMRP address
    [InlineData("FFFFFFFFFFFF525400123456" + "88F5")]
    public void OtherAddressOrEtherTypeIsNotMvrp(string headerHex)
    {
        byte[] frame = Convert.FromHexString(headerHex + "00" + "0102" + "0001000A24" + "00000000");

        Assert.Equal(MvrpError.NotMvrp, MvrpPdu.Decode(frame, new MvrpMessage()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(13)]
    [InlineData(14)]   // an MVRP header and no ProtocolVersion
    public void FrameShorterThanHeaderAndProtocolVersionIsTooShort(int size)
    {
        byte[] frame = Frame("00")[..size];

        Assert.Equal(MvrpError.TooShort, MvrpPdu.Decode(frame, new MvrpMessage()));
    }

    [Theory]
    [InlineData("01")]
    [InlineData("7F")]
    [InlineData("FF")]
    public void LaterProtocolVersionIsReadAsVersionZero(string versionHex)
    {
        MvrpMessage message = Decode(Frame(versionHex + "0102" + "2002000A12" + "00000000"));

        Assert.True(message.LeaveAll);
        Assert.Equal([E(10, MrpAttributeEvent.New), E(11, MrpAttributeEvent.JoinMt)], message.Events);   // 12 = 18 = (0 x 6 + 3) x 6 + 0
    }

    [Fact]
    public void MessagesOfOtherAttributeTypesAreSteppedOverWithTheirAttributeLength()
    {
        // type 2, AttributeLength 6 (an MMRP-like MAC): a LeaveAll vector of 4 values (two packed bytes),
        // another of 1; then type 9, AttributeLength 0 with one vector; then the VID message.
        string other = "0206" + "2004" + "0180C2000001" + "0102" + "0001" + "0180C2000002" + "FF" + "0000"
            + "0900" + "000324" + "0000";
        MvrpMessage message = Decode(Frame("00" + other + "0102" + "00010064B4" + "0000" + "0000"));

        Assert.False(message.LeaveAll);   // that LeaveAll was for the other attribute type
        Assert.Equal([E(100, MrpAttributeEvent.Lv)], message.Events);
    }

    [Theory]
    [InlineData("0101")]
    [InlineData("0103")]
    [InlineData("0100")]
    public void VidMessageWithAnotherAttributeLengthIsBadAttributeLength(string messageHeaderHex)
    {
        Assert.Equal(MvrpError.BadAttributeLength, DecodeError("00" + messageHeaderHex + "0001000A24" + "00000000"));
    }

    [Theory]
    [InlineData("0102" + "0004000A42")]   // 4 values need 2 packed bytes, 1 left
    [InlineData("0102" + "0001000A")]     // no packed byte
    [InlineData("0102" + "000100")]       // FirstValue cut
    [InlineData("0102" + "20")]           // VectorHeader cut (a lone non-zero byte)
    [InlineData("02060001018000")]        // another type's FirstValue cut
    [InlineData("0102" + "0001000A24" + "0000" + "09")]   // a lone non-zero byte where a message would start
    public void VectorRunningPastTheFrameIsTruncated(string messagesHex)
    {
        Assert.Equal(MvrpError.Truncated, DecodeError("00" + messagesHex));
    }

    [Theory]
    [InlineData("D8")]   // 216 = 6 x 36
    [InlineData("FF")]
    public void PackedByteOf216OrMoreIsBadEvent(string packedHex)
    {
        Assert.Equal(MvrpError.BadEvent, DecodeError("00" + "0102" + "0003000A" + packedHex + "00000000"));
    }

    [Theory]
    [InlineData("00010000")]   // VID 0
    [InlineData("00020FFE")]   // 4094, then 4095
    [InlineData("00010FFF")]   // 4095
    [InlineData("0001FFFF")]
    public void VidZeroOrAbove4094AmongTheValuesIsBadVid(string vectorHeaderAndFirstValueHex)
    {
        Assert.Equal(MvrpError.BadVid, DecodeError("00" + "0102" + vectorHeaderAndFirstValueHex + "24" + "00000000"));
    }

    [Fact]
    public void VectorOfMoreThan4094ValuesIsTooManyValues()
    {
        string packed = string.Concat(Enumerable.Repeat("AC", 1365));   // 4095 values

        Assert.Equal(MvrpError.TooManyValues, DecodeError("00" + "0102" + "0FFF0001" + packed + "00000000"));
    }

    [Theory]
    [InlineData("0102" + "0001000A24")]                   // neither EndMark
    [InlineData("0102" + "0001000A24" + "0000")]          // the PDU's EndMark missing
    [InlineData("0102" + "0001000A24" + "00")]            // cut inside an EndMark
    [InlineData("0102" + "0001000A24" + "0000" + "00")]
    public void EndOfFrameStandsForMissingEndMarks(string messagesHex)
    {
        Assert.Equal([E(10, MrpAttributeEvent.JoinIn)], Decode(Frame("00" + messagesHex)).Events);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(26)]
    [InlineData(1000)]
    public void ZeroPaddingAfterTheFinalEndMarkIsIgnored(int padding)
    {
        MvrpMessage message = Decode(Frame("00" + "0102" + "0001000A24" + "0000" + "0000" + new string('0', 2 * padding)));

        Assert.Equal([E(10, MrpAttributeEvent.JoinIn)], message.Events);
    }

    [Fact]
    public void LeaveAllInAnyVidVectorSetsLeaveAll()
    {
        // the second vector of the second VID message carries it
        MvrpMessage message = Decode(Frame("00" + "0102" + "0001000A24" + "0000" + "0102" + "0001001424" + "20010020B4" + "0000" + "0000"));

        Assert.True(message.LeaveAll);
        Assert.Equal([E(10, MrpAttributeEvent.JoinIn), E(20, MrpAttributeEvent.JoinIn), E(32, MrpAttributeEvent.Lv)], message.Events);
    }

    [Theory]
    [InlineData("4001")]
    [InlineData("E001")]
    public void UndefinedLeaveAllEventValuesAreNotLeaveAll(string vectorHeaderHex)
    {
        MvrpMessage message = Decode(Frame("00" + "0102" + vectorHeaderHex + "000A24" + "00000000"));

        Assert.False(message.LeaveAll);
        Assert.Equal([E(10, MrpAttributeEvent.JoinIn)], message.Events);
    }

    [Fact]
    public void DecodeClearsTheMessageFirst()
    {
        MvrpMessage message = Message(true, E(1, MrpAttributeEvent.New));

        Assert.Equal(MvrpError.None, MvrpPdu.Decode(Frame("00" + "0102" + "0001000A24" + "00000000"), message));

        Assert.False(message.LeaveAll);
        Assert.Equal([E(10, MrpAttributeEvent.JoinIn)], message.Events);
    }

    [Fact]
    public void DecodingAFrameWithNoMessageSaysNothing()
    {
        MvrpMessage message = Decode(Frame("00" + "0000"));

        Assert.False(message.LeaveAll);
        Assert.Empty(message.Events);
    }
}
