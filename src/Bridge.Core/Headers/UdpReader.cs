// Reads a UDP header from an IP payload (IPv4 Payload or IPv6 UpperLayer). Only first fragments and
// unfragmented packets carry it.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Headers;

/// <summary>A view over one UDP datagram. Construct, then test <see cref="Check"/>; fields are zero/empty unless Ok.</summary>
public readonly ref struct UdpReader
{
    /// <summary>IP protocol / IPv6 Next Header number for UDP.</summary>
    public const byte IpProtocol = 17;
    public const int HeaderSize = 8;

    public UdpReader(ReadOnlySpan<byte> datagram)
        : this(datagram, isFirstFragment: false)
    {
    }

    /// <param name="datagram">The IP payload.</param>
    /// <param name="isFirstFragment">
    /// The IP packet is the first fragment of several: the length field then describes the reassembled
    /// datagram and may exceed the bytes here, so only its lower bound is checked and Payload is what is here.
    /// </param>
    public UdpReader(ReadOnlySpan<byte> datagram, bool isFirstFragment)
    {
        if (datagram.Length < HeaderSize)
        {
            Check = HeaderCheck.Truncated;
            return;
        }
        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[4..]);
        if (length < HeaderSize || (length > datagram.Length && !isFirstFragment))
        {
            Check = HeaderCheck.BadTotalLength;
            return;
        }
        SourcePort = BinaryPrimitives.ReadUInt16BigEndian(datagram);
        DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        Length = length;
        Checksum = BinaryPrimitives.ReadUInt16BigEndian(datagram[6..]);
        Payload = datagram[HeaderSize..Math.Min(length, datagram.Length)];
    }

    public HeaderCheck Check { get; }
    public bool IsValid => Check == HeaderCheck.Ok;

    public ushort SourcePort { get; }
    public ushort DestinationPort { get; }
    /// <summary>Header plus data, from the header (at least 8; within the bytes given unless a first fragment).</summary>
    public int Length { get; }
    public ushort Checksum { get; }
    public ReadOnlySpan<byte> Payload { get; }
}
