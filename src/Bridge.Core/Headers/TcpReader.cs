// Reads a TCP header from an IP payload (IPv4 Payload or IPv6 UpperLayer). Only first fragments and
// unfragmented packets carry it.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Headers;

/// <summary>A view over one TCP segment. Construct, then test <see cref="Check"/>; fields are zero/empty unless Ok.</summary>
public readonly ref struct TcpReader
{
    /// <summary>IP protocol / IPv6 Next Header number for TCP.</summary>
    public const byte IpProtocol = 6;
    public const int MinHeaderSize = 20;

    public TcpReader(ReadOnlySpan<byte> segment)
    {
        if (segment.Length < MinHeaderSize)
        {
            Check = HeaderCheck.Truncated;
            return;
        }
        int headerLength = (segment[12] >> 4) * 4;
        if (headerLength < MinHeaderSize || headerLength > segment.Length)
        {
            Check = HeaderCheck.BadHeaderLength;
            return;
        }
        SourcePort = BinaryPrimitives.ReadUInt16BigEndian(segment);
        DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
        SequenceNumber = BinaryPrimitives.ReadUInt32BigEndian(segment[4..]);
        AcknowledgmentNumber = BinaryPrimitives.ReadUInt32BigEndian(segment[8..]);
        HeaderLength = headerLength;
        Flags = segment[13];
        Window = BinaryPrimitives.ReadUInt16BigEndian(segment[14..]);
        Options = segment[MinHeaderSize..headerLength];
        Payload = segment[headerLength..];
    }

    public HeaderCheck Check { get; }
    public bool IsValid => Check == HeaderCheck.Ok;

    public ushort SourcePort { get; }
    public ushort DestinationPort { get; }
    public uint SequenceNumber { get; }
    public uint AcknowledgmentNumber { get; }
    /// <summary>Data offset in bytes (20..60).</summary>
    public int HeaderLength { get; }
    /// <summary>The flags byte; test with <see cref="TcpFlags"/> constants.</summary>
    public byte Flags { get; }
    public ushort Window { get; }
    public ReadOnlySpan<byte> Options { get; }
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>
    /// ACK or RST set: the segment belongs to a connection already opened, which is what a stateless
    /// "established" ACL rule lets back in (only a bare SYN can open one).
    /// </summary>
    public bool IsEstablished => (Flags & (TcpFlags.Ack | TcpFlags.Rst)) != 0;
}
