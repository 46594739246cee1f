// A VSI's identity (802.1Qbg-2012 41.2.6): 16 bytes read according to a format byte. Together they key a
// bridge port's VSI table; the text forms are those vdptool and libvirt show (UUIDs lowercase 8-4-4-4-12).
using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Qbg.Vdp;

public enum VsiIdFormat : byte
{
    /// <summary>An IPv4 address, IPv4-mapped (::ffff:a.b.c.d) in the 16 bytes.</summary>
    IPv4 = 1,
    IPv6 = 2,
    /// <summary>A MAC address in the last six bytes, zeros before it.</summary>
    Mac = 3,
    /// <summary>Locally defined: 16 opaque bytes.</summary>
    Local = 4,
    Uuid = 5,
}

/// <summary>A VSIID with its format; <see cref="Value"/> holds the 16 bytes in network order.</summary>
public readonly record struct VsiId(VsiIdFormat Format, UInt128 Value)
{
    public const int Size = 16;

    public static VsiId Read(VsiIdFormat format, ReadOnlySpan<byte> bytes) =>
        new(format, BinaryPrimitives.ReadUInt128BigEndian(bytes));

    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt128BigEndian(destination, Value);

    /// <summary>The formats 802.1Qbg-2012 defines; anything else is answered "invalid format".</summary>
    public bool IsDefinedFormat => Format is >= VsiIdFormat.IPv4 and <= VsiIdFormat.Uuid;

    public static VsiId FromUuid(Guid uuid)
    {
        Span<byte> bytes = stackalloc byte[Size];
        uuid.TryWriteBytes(bytes, bigEndian: true, out _);
        return Read(VsiIdFormat.Uuid, bytes);
    }

    public static VsiId ParseUuid(string text) =>
        Guid.TryParse(text, out Guid uuid) ? FromUuid(uuid) : throw new FormatException($"'{text}' is not a UUID");

    public static VsiId FromMac(MacAddress mac) => new(VsiIdFormat.Mac, mac.Value);

    public static VsiId FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> bytes = stackalloc byte[Size];
        bool ipv4 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
        (ipv4 ? address.MapToIPv6() : address).TryWriteBytes(bytes, out _);
        return Read(ipv4 ? VsiIdFormat.IPv4 : VsiIdFormat.IPv6, bytes);
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Write(bytes);
        return Format switch
        {
            VsiIdFormat.Uuid => new Guid(bytes, bigEndian: true).ToString("D", CultureInfo.InvariantCulture),
            VsiIdFormat.Mac => MacAddress.Read(bytes[10..]).ToString(),
            VsiIdFormat.IPv4 => new IPAddress(bytes[12..]).ToString(),
            VsiIdFormat.IPv6 => new IPAddress(bytes).ToString(),
            VsiIdFormat.Local => Convert.ToHexStringLower(bytes),
            _ => $"format-{(byte)Format}:{Convert.ToHexStringLower(bytes)}",
        };
    }
}
