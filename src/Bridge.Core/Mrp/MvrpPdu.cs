// The MVRPDU on the wire (802.1Q 10.8 MRPDU format, 11.2.3 MVRP's VID attribute): encodes a message
// into untagged frames to 01-80-C2-00-00-21 and decodes a received frame back, never throwing on bytes.
// A received MVRPDU may carry a priority tag (VID 0: some switches send their control frames so); it
// is read as an untagged one, as 802.1Q classifies a priority-tagged frame as untagged. One tagged
// with a VID belongs to a participant inside that VLAN and is refused (MvrpError.VlanTagged).
//
//   MVRPDU          = ProtocolVersion(1) Message... EndMark(2)
//   Message         = AttributeType(1) AttributeLength(1) VectorAttribute... EndMark(2)
//   VectorAttribute = VectorHeader(2: LeaveAllEvent << 13 | NumberOfValues) FirstValue(AttributeLength)
//                     ThreePackedEvents(ceil(NumberOfValues / 3): ((e1 * 6) + e2) * 6 + e3)
//
// A VectorHeader is never 0x0000 (that would be a vector saying nothing), which is what lets the
// EndMark end a list. Linux and mrpd both write the EndMarks, but 802.1Q lets the end of the PDU stand
// for them, so the decoder accepts their absence. tshark 4.0 dissects what the encoder writes (LeaveAll
// alone, runs, all 4094 VIDs in one vector, split messages) without a malformed field.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Mrp;

public static class MvrpPdu
{
    /// <summary>01-80-C2-00-00-21: the Customer Bridge MVRP address (802.1Q Table 10-1).</summary>
    public static MacAddress Destination { get; } = new(0x0180_C200_0021UL);

    public const ushort EtherType = 0x88F5;

    /// <summary>Largest MVRPDU (ProtocolVersion to the final EndMark) one untagged frame carries.</summary>
    public const int MaxPayload = 1500;

    private const int HeaderSize = EthernetReader.HeaderSize;
    private const int TagSize = 4;
    private const ushort CustomerTagType = 0x8100;
    private const int VidMask = 0x0FFF;
    private const int MinimumFrameSize = 60;   // 64 on the wire, less the FCS
    private const byte ProtocolVersion = 0;
    private const byte VidAttributeType = 1;
    private const byte VidSize = 2;   // AttributeLength of a VID
    private const ushort EndMark = 0x0000;
    private const int EndMarkSize = 2;
    private const int VectorHeaderSize = 2;
    private const int MessageHeaderSize = 2;   // AttributeType, AttributeLength
    private const int LeaveAllShift = 13;
    private const int LeaveAllEvent = 1;        // 0 is NullLeaveAllEvent; 2..7 are not defined
    private const int NumberOfValuesMask = 0x1FFF;
    private const int EventsPerByte = 3;
    private const int EventValues = 6;          // New, JoinIn, In, JoinMt, Mt, Lv
    private const int PackedLimit = EventValues * EventValues * EventValues;   // 216
    private const int MinVid = 1;
    private const int MaxVid = 4094;
    // A LeaveAll with no event still needs a vector to carry it: NumberOfValues 0, and a FirstValue that
    // is a valid VID so that no receiver checking the field refuses it.
    private const ushort LeaveAllOnlyFirstValue = MinVid;

    /// <summary>
    /// Appends to <paramref name="frames"/> the frame(s) saying <paramref name="message"/>, sent from
    /// <paramref name="source"/>. Consecutive VIDs share one vector attribute; a message that does not fit
    /// <see cref="MaxPayload"/> is split over several PDUs, the LeaveAll (if any) in the first. A LeaveAll
    /// with no event is one vector of NumberOfValues 0 and FirstValue 1. A message with neither events nor
    /// LeaveAll adds nothing. Frames shorter than 60 bytes are padded with zeros.
    /// </summary>
    /// <exception cref="ArgumentException">VIDs not in 1..4094 and strictly increasing, or an undefined event; nothing is appended.</exception>
    public static void Encode(MacAddress source, MvrpMessage message, List<byte[]> frames)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(frames);
        List<VidEvent> events = message.Events;
        CheckEncodable(events);
        if (events.Count == 0 && !message.LeaveAll)
        {
            return;
        }

        Span<byte> frame = stackalloc byte[HeaderSize + MaxPayload];
        const int vectorsEnd = HeaderSize + MaxPayload - (2 * EndMarkSize);   // room left for the two EndMarks
        bool leaveAll = message.LeaveAll;
        int next = 0;
        do
        {
            frame.Clear();
            int offset = WriteMessageStart(frame, source);
            if (leaveAll && events.Count == 0)
            {
                offset += WriteVectorHeader(frame[offset..], leaveAll: true, numberOfValues: 0, LeaveAllOnlyFirstValue);
            }
            // A vector goes in while at least its header, FirstValue and one packed byte fit; a run longer
            // than the room left continues in a second vector (in the next frame).
            while (next < events.Count && vectorsEnd - offset >= VectorHeaderSize + VidSize + 1)
            {
                int maxValues = (vectorsEnd - offset - VectorHeaderSize - VidSize) * EventsPerByte;
                int count = RunLength(events, next, maxValues);
                offset += WriteVectorHeader(frame[offset..], leaveAll, count, events[next].Vid);
                offset += WritePackedEvents(frame[offset..], events, next, count);
                leaveAll = false;
                next += count;
            }
            leaveAll = false;
            offset += 2 * EndMarkSize;   // the AttributeList's EndMark, then the PDU's: already zero
            frames.Add(frame[..Math.Max(offset, MinimumFrameSize)].ToArray());
        }
        while (next < events.Count);
    }

    private static void CheckEncodable(List<VidEvent> events)
    {
        int previous = 0;
        for (int i = 0; i < events.Count; i++)
        {
            VidEvent e = events[i];
            if (e.Vid is < MinVid or > MaxVid)
            {
                throw new ArgumentException($"event {i}: VID {e.Vid} is not in {MinVid}..{MaxVid}", nameof(events));
            }
            if (e.Vid <= previous)
            {
                throw new ArgumentException($"event {i}: VID {e.Vid} after VID {previous}: VIDs must be increasing, each once", nameof(events));
            }
            if ((int)e.Event >= EventValues)
            {
                throw new ArgumentException($"event {i}: VID {e.Vid} has undefined event {(int)e.Event}", nameof(events));
            }
            previous = e.Vid;
        }
    }

    /// <summary>How many events from <paramref name="start"/> have consecutive VIDs, at most <paramref name="maxValues"/>.</summary>
    private static int RunLength(List<VidEvent> events, int start, int maxValues)
    {
        int count = 1;
        while (count < maxValues && start + count < events.Count && events[start + count].Vid == events[start].Vid + count)
        {
            count++;
        }
        return count;
    }

    private static int WriteMessageStart(Span<byte> frame, MacAddress source)
    {
        Destination.Write(frame);
        source.Write(frame[MacAddress.Size..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[(2 * MacAddress.Size)..], EtherType);
        int offset = HeaderSize;
        frame[offset++] = ProtocolVersion;
        frame[offset++] = VidAttributeType;
        frame[offset++] = VidSize;
        return offset;
    }

    private static int WriteVectorHeader(Span<byte> destination, bool leaveAll, int numberOfValues, ushort firstValue)
    {
        int header = ((leaveAll ? LeaveAllEvent : 0) << LeaveAllShift) | numberOfValues;
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)header);
        BinaryPrimitives.WriteUInt16BigEndian(destination[VectorHeaderSize..], firstValue);
        return VectorHeaderSize + VidSize;
    }

    /// <summary>Packs events[start .. start + count) three to a byte; unused trailing slots stay 0 (New).</summary>
    private static int WritePackedEvents(Span<byte> destination, List<VidEvent> events, int start, int count)
    {
        int size = (count + EventsPerByte - 1) / EventsPerByte;
        for (int b = 0; b < size; b++)
        {
            int packed = 0;
            for (int slot = 0; slot < EventsPerByte; slot++)
            {
                int i = (b * EventsPerByte) + slot;
                packed = (packed * EventValues) + (i < count ? (int)events[start + i].Event : 0);
            }
            destination[b] = (byte)packed;
        }
        return size;
    }

    /// <summary>
    /// Decodes one frame, Ethernet header included, into <paramref name="into"/> (cleared first): the
    /// LeaveAll of any VID vector, and every VID event in PDU order. A priority tag (802.1Q tag, VID 0)
    /// is stepped over; a tag with a VID is <see cref="MvrpError.VlanTagged"/>. A ProtocolVersion above 0 is read as
    /// version 0 (802.1Q's forward compatibility); messages of other attribute types are stepped over;
    /// the end of the frame stands for missing EndMarks; whatever follows the final EndMark (padding) is
    /// ignored. Never throws on any bytes. On an error, <paramref name="into"/> may hold what was read
    /// before the fault: the caller discards it.
    /// </summary>
    public static MvrpError Decode(ReadOnlySpan<byte> frame, MvrpMessage into)
    {
        ArgumentNullException.ThrowIfNull(into);
        into.Clear();
        if (frame.Length < HeaderSize)
        {
            return MvrpError.TooShort;
        }
        if (MacAddress.Read(frame) != Destination)
        {
            return MvrpError.NotMvrp;
        }
        MvrpError envelope = PduStart(frame, out int pduStart);
        if (envelope != MvrpError.None)
        {
            return envelope;
        }
        ReadOnlySpan<byte> pdu = frame[(pduStart + 1)..];   // the messages, after ProtocolVersion
        int offset = 0;
        while (true)
        {
            MvrpError error = ReadWord(pdu, offset, out int messageHeader);
            if (error != MvrpError.None || messageHeader == EndMark)
            {
                return error;
            }
            offset += MessageHeaderSize;
            int attributeType = messageHeader >> 8;
            int attributeLength = messageHeader & 0xFF;
            if (attributeType == VidAttributeType && attributeLength != VidSize)
            {
                return MvrpError.BadAttributeLength;
            }
            error = ReadAttributeList(pdu, ref offset, attributeType == VidAttributeType, attributeLength, into);
            if (error != MvrpError.None)
            {
                return error;
            }
        }
    }

    /// <summary>
    /// Where ProtocolVersion is: right after the addresses and EtherType, or after a priority tag and
    /// the EtherType it carries. The frame must reach that byte.
    /// </summary>
    private static MvrpError PduStart(ReadOnlySpan<byte> frame, out int pduStart)
    {
        const int typeOffset = 2 * MacAddress.Size;
        pduStart = HeaderSize;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[typeOffset..]);
        if (type == CustomerTagType)
        {
            if (frame.Length < HeaderSize + TagSize)
            {
                return MvrpError.TooShort;
            }
            int vid = BinaryPrimitives.ReadUInt16BigEndian(frame[(typeOffset + 2)..]) & VidMask;
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[(typeOffset + TagSize)..]);
            if (type != EtherType)
            {
                return MvrpError.NotMvrp;   // a tagged frame of another protocol to this address: not ours to judge
            }
            if (vid != 0)
            {
                return MvrpError.VlanTagged;
            }
            pduStart = HeaderSize + TagSize;
        }
        else if (type != EtherType)
        {
            return MvrpError.NotMvrp;
        }
        return frame.Length < pduStart + 1 ? MvrpError.TooShort : MvrpError.None;
    }

    /// <summary>Reads vectors up to the list's EndMark (or the frame's end); only VID vectors are reported.</summary>
    private static MvrpError ReadAttributeList(ReadOnlySpan<byte> pdu, ref int offset, bool isVid, int attributeLength, MvrpMessage into)
    {
        while (true)
        {
            MvrpError error = ReadWord(pdu, offset, out int vectorHeader);
            offset += VectorHeaderSize;
            if (error != MvrpError.None || vectorHeader == EndMark)
            {
                return error;
            }
            int numberOfValues = vectorHeader & NumberOfValuesMask;
            if (isVid && numberOfValues > MaxVid)
            {
                return MvrpError.TooManyValues;
            }
            int packedSize = (numberOfValues + EventsPerByte - 1) / EventsPerByte;
            if (pdu.Length - offset < attributeLength + packedSize)
            {
                return MvrpError.Truncated;
            }
            if (isVid)
            {
                error = ReadVidVector(vectorHeader, pdu.Slice(offset, VidSize + packedSize), into);
                if (error != MvrpError.None)
                {
                    return error;
                }
            }
            offset += attributeLength + packedSize;
        }
    }

    private static MvrpError ReadVidVector(int vectorHeader, ReadOnlySpan<byte> vector, MvrpMessage into)
    {
        if (vectorHeader >> LeaveAllShift == LeaveAllEvent)
        {
            into.LeaveAll = true;
        }
        int numberOfValues = vectorHeader & NumberOfValuesMask;
        int firstValue = BinaryPrimitives.ReadUInt16BigEndian(vector);
        // FirstValue only names a VID when there are values: a LeaveAll-only vector's is not checked.
        if (numberOfValues > 0 && (firstValue < MinVid || firstValue + numberOfValues - 1 > MaxVid))
        {
            return MvrpError.BadVid;
        }
        ReadOnlySpan<byte> packedEvents = vector[VidSize..];
        for (int i = 0; i < numberOfValues; i++)
        {
            int packed = packedEvents[i / EventsPerByte];
            if (packed >= PackedLimit)
            {
                return MvrpError.BadEvent;
            }
            int slot = i % EventsPerByte;   // e1 is the most significant
            int attributeEvent = slot switch
            {
                0 => packed / (EventValues * EventValues),
                1 => packed / EventValues % EventValues,
                _ => packed % EventValues,
            };
            into.Events.Add(new VidEvent((ushort)(firstValue + i), (MrpAttributeEvent)attributeEvent));
        }
        return MvrpError.None;
    }

    /// <summary>
    /// The 16-bit word at <paramref name="offset"/>: a message header, a vector header or an EndMark.
    /// At the frame's end it reads as EndMark; a lone last byte does too if it is zero (a cut EndMark,
    /// or padding), and is a truncated word otherwise.
    /// </summary>
    private static MvrpError ReadWord(ReadOnlySpan<byte> pdu, int offset, out int word)
    {
        int left = pdu.Length - offset;
        if (left >= 2)
        {
            word = BinaryPrimitives.ReadUInt16BigEndian(pdu[offset..]);
            return MvrpError.None;
        }
        word = EndMark;
        return left == 1 && pdu[offset] != 0 ? MvrpError.Truncated : MvrpError.None;
    }
}
