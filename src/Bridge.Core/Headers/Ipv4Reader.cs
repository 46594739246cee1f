// Reads an IPv4 header (the Ethernet payload after EtherType 0x0800). Trailing bytes beyond the total
// length are Ethernet padding and are cut off Payload, so L4 readers never see them.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Headers;

/// <summary>A view over one IPv4 packet. Construct, then test <see cref="Check"/>; fields are zero/empty unless Ok.</summary>
public readonly ref struct Ipv4Reader
{
    public const int MinHeaderSize = 20;

    private const ushort MoreFragmentsBit = 0x2000;
    private const ushort DontFragmentBit = 0x4000;
    private const ushort FragmentOffsetMask = 0x1FFF;

    public Ipv4Reader(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            Check = HeaderCheck.Truncated;
            return;
        }
        // The version is judged as soon as it is visible, so garbage reads as BadVersion, not Truncated.
        if (packet[0] >> 4 != 4)
        {
            Check = HeaderCheck.BadVersion;
            return;
        }
        if (packet.Length < MinHeaderSize)
        {
            Check = HeaderCheck.Truncated;
            return;
        }
        int headerLength = (packet[0] & 0x0F) * 4;
        if (headerLength < MinHeaderSize || headerLength > packet.Length)
        {
            Check = HeaderCheck.BadHeaderLength;
            return;
        }
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (totalLength < headerLength || totalLength > packet.Length)
        {
            Check = HeaderCheck.BadTotalLength;
            return;
        }
        HeaderLength = headerLength;
        TotalLength = totalLength;
        Dscp = (byte)(packet[1] >> 2);
        Ecn = (byte)(packet[1] & 0x03);
        Identification = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        ushort fragmentField = BinaryPrimitives.ReadUInt16BigEndian(packet[6..]);
        DontFragment = (fragmentField & DontFragmentBit) != 0;
        MoreFragments = (fragmentField & MoreFragmentsBit) != 0;
        FragmentOffset = (ushort)(fragmentField & FragmentOffsetMask);
        TimeToLive = packet[8];
        Protocol = packet[9];
        Source = BinaryPrimitives.ReadUInt32BigEndian(packet[12..]);
        Destination = BinaryPrimitives.ReadUInt32BigEndian(packet[16..]);
        Options = packet[MinHeaderSize..headerLength];
        Payload = packet[headerLength..totalLength];
    }

    public HeaderCheck Check { get; }
    public bool IsValid => Check == HeaderCheck.Ok;

    /// <summary>IHL in bytes (20..60).</summary>
    public int HeaderLength { get; }
    /// <summary>Header plus payload, from the header; never more than the bytes given.</summary>
    public int TotalLength { get; }
    public byte Dscp { get; }
    public byte Ecn { get; }
    public ushort Identification { get; }
    public bool DontFragment { get; }
    public bool MoreFragments { get; }
    /// <summary>Offset of this fragment's data, in 8-byte units as on the wire.</summary>
    public ushort FragmentOffset { get; }
    public byte TimeToLive { get; }
    public byte Protocol { get; }
    /// <summary>Source address, host order (192.0.2.1 is 0xC0000201).</summary>
    public uint Source { get; }
    public uint Destination { get; }
    public ReadOnlySpan<byte> Options { get; }
    /// <summary>The bytes after the header up to the total length (Ethernet padding excluded).</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>Part of a fragmented datagram: MF set or a non-zero offset.</summary>
    public bool IsFragment => MoreFragments || FragmentOffset != 0;
    public bool IsFirstFragment => IsFragment && FragmentOffset == 0;

    /// <summary>
    /// Whether Payload starts with the L4 header: only unfragmented packets and first fragments carry
    /// one; later fragments hold raw continuation bytes that must not be read as ports.
    /// </summary>
    public bool HasTransportHeader => IsValid && FragmentOffset == 0;
}
