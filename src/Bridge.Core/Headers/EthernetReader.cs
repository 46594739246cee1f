// Reads the Ethernet II / 802.3 header with up to two VLAN tags (802.1Q C-tag 0x8100, 802.1ad S-tag
// 0x88A8). Never throws: a frame it cannot read is reported through Check.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Hairpin.Bridge.Core.Headers;

/// <summary>A view over one frame's link-layer header. Construct, then test <see cref="Check"/>.</summary>
public readonly ref struct EthernetReader
{
    public const int HeaderSize = 14;
    public const int TagSize = 4;
    private const int MaxTags = 2;

    // Everything read from the header, packed in one word: the bridge builds a reader per frame and
    // passes it by reference, so it lives on the stack, where one store beats seven narrow ones.
    // Bits 0-15 EtherTypeOrLength, 16-23 PayloadOffset, 24-27 TagCount, 28-31 Check,
    // 32-47 OuterTagControl, 48-63 OuterTagProtocol.
    private const int PayloadOffsetShift = 16;
    private const int TagCountShift = 24;
    private const int CheckShift = 28;
    private const int OuterControlShift = 32;
    private const int OuterProtocolShift = 48;
    private const ulong MacMask = 0xFFFF_FFFF_FFFFUL;

    private readonly ReadOnlySpan<byte> _frame;
    private readonly ulong _fields;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public EthernetReader(ReadOnlySpan<byte> frame)
    {
        _frame = frame;
        if (frame.Length < HeaderSize)
        {
            _fields = (ulong)EthernetCheck.Runt << CheckShift;
            return;
        }
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        if (type >= EtherTypes.MinEtherType && type != EtherTypes.CustomerVlan && type != EtherTypes.ServiceVlan)
        {
            // The common case, untagged Ethernet II, is decided inline; tags and 802.3 lengths are not.
            _fields = type | ((ulong)HeaderSize << PayloadOffsetShift);
            return;
        }
        _fields = ReadTagsAndLength(frame, type);
    }

    /// <summary>Tags and 802.3 lengths, packed as <see cref="_fields"/> is.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong ReadTagsAndLength(ReadOnlySpan<byte> frame, ushort type)
    {
        EthernetCheck check = ReadTagsAndLength(frame, type, out int tagCount, out ushort outerProtocol, out ushort outerControl, out ushort finalType, out int payloadOffset);
        return finalType
            | ((ulong)(uint)payloadOffset << PayloadOffsetShift)
            | ((ulong)(uint)tagCount << TagCountShift)
            | ((ulong)check << CheckShift)
            | ((ulong)outerControl << OuterControlShift)
            | ((ulong)outerProtocol << OuterProtocolShift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static EthernetCheck ReadTagsAndLength(ReadOnlySpan<byte> frame, ushort type, out int tagCount, out ushort outerProtocol,
        out ushort outerControl, out ushort finalType, out int payloadOffset)
    {
        tagCount = 0;
        outerProtocol = 0;
        outerControl = 0;
        finalType = type;
        payloadOffset = HeaderSize;
        int typeOffset = 12;
        while (tagCount < MaxTags && type is EtherTypes.CustomerVlan or EtherTypes.ServiceVlan)
        {
            if (frame.Length < typeOffset + TagSize + 2)
            {
                return EthernetCheck.TruncatedTag;
            }
            if (tagCount == 0)
            {
                outerProtocol = type;
                outerControl = BinaryPrimitives.ReadUInt16BigEndian(frame[(typeOffset + 2)..]);
            }
            tagCount++;
            typeOffset += TagSize;
            type = BinaryPrimitives.ReadUInt16BigEndian(frame[typeOffset..]);
        }
        finalType = type;
        payloadOffset = typeOffset + 2;
        if (type < EtherTypes.MinEtherType)
        {
            if (type > EtherTypes.MaxLengthField)
            {
                return EthernetCheck.InvalidLengthField;
            }
            if (type > frame.Length - payloadOffset)
            {
                return EthernetCheck.TruncatedPayload;
            }
        }
        return EthernetCheck.Ok;
    }

    public EthernetCheck Check => (EthernetCheck)((_fields >> CheckShift) & 0xF);
    public bool IsValid => (_fields & (0xFUL << CheckShift)) == 0;

    /// <summary>One 8-byte read where the frame has the bytes (every readable header does), else six bytes as MacAddress.Read reads them.</summary>
    public MacAddress Destination
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _frame.Length >= sizeof(ulong) ? new(BinaryPrimitives.ReadUInt64BigEndian(_frame) >> 16) : MacAddress.Read(_frame);
    }

    /// <summary>Bytes 6-11: the low six of the eight at offset 4, when the frame has twelve.</summary>
    public MacAddress Source
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _frame.Length >= 2 * MacAddress.Size ? new(BinaryPrimitives.ReadUInt64BigEndian(_frame[4..]) & MacMask) : MacAddress.Read(_frame[6..]);
    }

    /// <summary>Number of VLAN tags read (0, 1 or 2; a third stays in the payload).</summary>
    public int TagCount => (int)(_fields >> TagCountShift) & 0xF;
    /// <summary>TPID of the outermost tag (0x8100 or 0x88A8), or 0 when untagged.</summary>
    public ushort OuterTagProtocol => (ushort)(_fields >> OuterProtocolShift);
    /// <summary>TCI of the outermost tag: PCP (3 bits), DEI (1), VID (12).</summary>
    public ushort OuterTagControl => (ushort)(_fields >> OuterControlShift);
    public ushort OuterVid => (ushort)(OuterTagControl & 0x0FFF);
    public byte OuterPcp => (byte)(OuterTagControl >> 13);

    /// <summary>The EtherType after all tags read, or an 802.3 length (&lt; 0x0600).</summary>
    public ushort EtherTypeOrLength => (ushort)_fields;
    public bool IsLengthField => EtherTypeOrLength < EtherTypes.MinEtherType;
    public int PayloadOffset => (int)(_fields >> PayloadOffsetShift) & 0xFF;
    public ReadOnlySpan<byte> Payload => _frame[PayloadOffset..];
}
