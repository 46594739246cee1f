// Reads the type and code of an ICMP (IPv4 protocol 1) or ICMPv6 (IPv6 Next Header 58) message: both
// start with the same 4 bytes, which is all an ACL matches on.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Headers;

/// <summary>A view over one ICMP or ICMPv6 message. Construct, then test <see cref="Check"/>; fields are zero/empty unless Ok.</summary>
public readonly ref struct IcmpReader
{
    /// <summary>IPv4 protocol number for ICMP.</summary>
    public const byte Icmpv4Protocol = 1;
    /// <summary>IPv6 Next Header number for ICMPv6.</summary>
    public const byte Icmpv6Protocol = 58;
    public const int HeaderSize = 4;

    public IcmpReader(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderSize)
        {
            Check = HeaderCheck.Truncated;
            return;
        }
        Type = message[0];
        Code = message[1];
        Checksum = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        Body = message[HeaderSize..];
    }

    public HeaderCheck Check { get; }
    public bool IsValid => Check == HeaderCheck.Ok;

    public byte Type { get; }
    public byte Code { get; }
    public ushort Checksum { get; }
    /// <summary>Everything after type, code and checksum (identifier and sequence for echo, and so on).</summary>
    public ReadOnlySpan<byte> Body { get; }
}
