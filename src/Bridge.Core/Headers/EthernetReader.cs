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

    private readonly ReadOnlySpan<byte> _frame;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public EthernetReader(ReadOnlySpan<byte> frame)
    {
        _frame = frame;
        if (frame.Length < HeaderSize)
        {
            Check = EthernetCheck.Runt;
            return;
        }
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        if (type >= EtherTypes.MinEtherType && type != EtherTypes.CustomerVlan && type != EtherTypes.ServiceVlan)
        {
            // The common case, untagged Ethernet II, is decided inline; tags and 802.3 lengths are not.
            EtherTypeOrLength = type;
            PayloadOffset = HeaderSize;
            return;
        }
        Check = ReadTagsAndLength(frame, type, out int tagCount, out ushort outerProtocol, out ushort outerControl, out ushort finalType, out int payloadOffset);
        TagCount = tagCount;
        OuterTagProtocol = outerProtocol;
        OuterTagControl = outerControl;
        EtherTypeOrLength = finalType;
        PayloadOffset = payloadOffset;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
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

    public EthernetCheck Check { get; }
    public bool IsValid => Check == EthernetCheck.Ok;

    public MacAddress Destination => MacAddress.Read(_frame);
    public MacAddress Source => MacAddress.Read(_frame[6..]);

    /// <summary>Number of VLAN tags read (0, 1 or 2; a third stays in the payload).</summary>
    public int TagCount { get; }
    /// <summary>TPID of the outermost tag (0x8100 or 0x88A8), or 0 when untagged.</summary>
    public ushort OuterTagProtocol { get; }
    /// <summary>TCI of the outermost tag: PCP (3 bits), DEI (1), VID (12).</summary>
    public ushort OuterTagControl { get; }
    public ushort OuterVid => (ushort)(OuterTagControl & 0x0FFF);
    public byte OuterPcp => (byte)(OuterTagControl >> 13);

    /// <summary>The EtherType after all tags read, or an 802.3 length (&lt; 0x0600).</summary>
    public ushort EtherTypeOrLength { get; }
    public bool IsLengthField => EtherTypeOrLength < EtherTypes.MinEtherType;
    public int PayloadOffset { get; }
    public ReadOnlySpan<byte> Payload => _frame[PayloadOffset..];
}
