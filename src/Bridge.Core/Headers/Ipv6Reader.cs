// Reads an IPv6 header (the Ethernet payload after EtherType 0x86DD) and walks its extension-header
// chain to the upper-layer protocol, with a fixed bound so a crafted chain cannot make us loop.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Headers;

/// <summary>A view over one IPv6 packet. Construct, then test <see cref="Check"/>; fields are zero/empty unless Ok.</summary>
public readonly ref struct Ipv6Reader
{
    public const int HeaderSize = 40;
    public const int AddressSize = 16;
    /// <summary>Longest extension-header chain walked; RFC 8200 headers in their recommended order need at most 7.</summary>
    public const int MaxExtensionHeaders = 8;
    /// <summary>Next Header value meaning nothing follows.</summary>
    public const byte NoNextHeader = 59;

    private const byte HopByHop = 0;
    private const byte Routing = 43;
    private const byte Fragment = 44;
    private const byte AuthenticationHeader = 51;
    private const byte DestinationOptions = 60;
    private const int MinExtensionHeaderSize = 8;   // every header walked is a multiple of 8 bytes, at least one
    private const int FragmentHeaderSize = 8;

    public Ipv6Reader(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            Check = HeaderCheck.Truncated;
            return;
        }
        if (packet[0] >> 4 != 6)
        {
            Check = HeaderCheck.BadVersion;
            return;
        }
        if (packet.Length < HeaderSize)
        {
            Check = HeaderCheck.Truncated;
            return;
        }
        // Jumbograms (payload length 0 plus a Hop-by-Hop option) cannot occur on Ethernet MTUs; they read
        // as an empty payload and so a truncated chain.
        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        if (payloadLength > packet.Length - HeaderSize)
        {
            Check = HeaderCheck.BadTotalLength;
            return;
        }
        int end = HeaderSize + payloadLength;

        byte next = packet[6];
        int offset = HeaderSize;
        int count = 0;
        bool fragmentHeaderSeen = false;
        bool moreFragments = false;
        ushort fragmentOffset = 0;
        while (next is HopByHop or Routing or DestinationOptions or Fragment or AuthenticationHeader)
        {
            if (++count > MaxExtensionHeaders)
            {
                Check = HeaderCheck.TooManyExtensionHeaders;
                return;
            }
            if (end - offset < MinExtensionHeaderSize)
            {
                Check = HeaderCheck.Truncated;
                return;
            }
            int length = next switch
            {
                Fragment => FragmentHeaderSize,
                AuthenticationHeader => (packet[offset + 1] + 2) * 4,
                _ => (packet[offset + 1] + 1) * 8,
            };
            if (length > end - offset)
            {
                Check = HeaderCheck.Truncated;
                return;
            }
            bool isFragmentHeader = next == Fragment;
            if (isFragmentHeader)
            {
                ushort field = BinaryPrimitives.ReadUInt16BigEndian(packet[(offset + 2)..]);
                fragmentHeaderSeen = true;
                fragmentOffset = (ushort)(field >> 3);
                moreFragments = (field & 1) != 0;
            }
            next = packet[offset];
            offset += length;
            // After a non-first fragment's header comes continuation data, not further headers.
            if (isFragmentHeader && fragmentOffset != 0)
            {
                break;
            }
        }

        TrafficClass = (byte)(BinaryPrimitives.ReadUInt16BigEndian(packet) >> 4);
        FlowLabel = BinaryPrimitives.ReadUInt32BigEndian(packet) & 0x000F_FFFF;
        PayloadLength = payloadLength;
        HopLimit = packet[7];
        Source = packet.Slice(8, AddressSize);
        Destination = packet.Slice(24, AddressSize);
        SourceAddress = BinaryPrimitives.ReadUInt128BigEndian(Source);
        DestinationAddress = BinaryPrimitives.ReadUInt128BigEndian(Destination);
        NextHeader = next;
        UpperLayerOffset = offset;
        ExtensionHeaderCount = count;
        HasFragmentHeader = fragmentHeaderSeen;
        MoreFragments = moreFragments;
        FragmentOffset = fragmentOffset;
        UpperLayer = packet[offset..end];
    }

    public HeaderCheck Check { get; }
    public bool IsValid => Check == HeaderCheck.Ok;

    public byte TrafficClass { get; }
    public byte Dscp => (byte)(TrafficClass >> 2);
    public byte Ecn => (byte)(TrafficClass & 0x03);
    public uint FlowLabel { get; }
    /// <summary>Bytes after the fixed header, from the header; never more than the bytes given.</summary>
    public int PayloadLength { get; }
    public byte HopLimit { get; }
    public ReadOnlySpan<byte> Source { get; }
    public ReadOnlySpan<byte> Destination { get; }
    /// <summary>Source address as a big-endian number (::1 is 1), for range and prefix compares.</summary>
    public UInt128 SourceAddress { get; }
    public UInt128 DestinationAddress { get; }

    /// <summary>
    /// The upper-layer protocol after the extension headers walked (6 TCP, 17 UDP, 58 ICMPv6, 59 none,
    /// or one not walked such as ESP 50 or Mobility 135). For a non-first fragment: the Fragment header's
    /// Next Header, whose header lies in the first fragment.
    /// </summary>
    public byte NextHeader { get; }
    /// <summary>Where the upper-layer bytes start, counted from the start of the IPv6 header.</summary>
    public int UpperLayerOffset { get; }
    public int ExtensionHeaderCount { get; }
    /// <summary>The bytes from <see cref="UpperLayerOffset"/> to the end of the payload (Ethernet padding excluded).</summary>
    public ReadOnlySpan<byte> UpperLayer { get; }

    /// <summary>A Fragment header was present, including an atomic fragment (offset 0, M clear).</summary>
    public bool HasFragmentHeader { get; }
    public bool MoreFragments { get; }
    /// <summary>Offset of this fragment's data, in 8-byte units as on the wire.</summary>
    public ushort FragmentOffset { get; }
    /// <summary>Part of a fragmented datagram: M set or a non-zero offset. Atomic fragments are whole packets.</summary>
    public bool IsFragment => MoreFragments || FragmentOffset != 0;
    public bool IsFirstFragment => IsFragment && FragmentOffset == 0;

    /// <summary>Whether <see cref="UpperLayer"/> starts with the upper-layer header: false for non-first fragments.</summary>
    public bool HasTransportHeader => IsValid && FragmentOffset == 0 && NextHeader != NoNextHeader;
}
