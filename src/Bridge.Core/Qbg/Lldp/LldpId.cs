// A chassis ID or port ID as LLDP carries it (802.1AB 8.5.2, 8.5.3): a subtype saying what the bytes
// are, then 1..255 bytes. A neighbour is known by the pair, so equality is by value.
using System.Globalization;
using System.Text;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Qbg.Lldp;

/// <summary>Which TLV an <see cref="LldpId"/> came from: the two number their subtypes differently.</summary>
public enum LldpIdKind
{
    Chassis,
    Port,
}

public sealed class LldpId : IEquatable<LldpId>
{
    public const int MaxValueSize = 255;

    /// <summary>Chassis ID subtype 4: a MAC address, as lldpad sends (MA/ in tshark).</summary>
    public const byte ChassisMacAddress = 4;
    /// <summary>Port ID subtype 3: a MAC address.</summary>
    public const byte PortMacAddress = 3;
    /// <summary>Port ID subtype 5: an interface name (ifName).</summary>
    public const byte PortInterfaceName = 5;
    /// <summary>Port ID subtype 7: locally assigned.</summary>
    public const byte PortLocal = 7;

    private const byte ChassisNetworkAddress = 5;
    private const byte PortNetworkAddress = 4;
    private const byte AddressFamilyIPv4 = 1;

    private readonly byte[] _value;

    /// <exception cref="ArgumentOutOfRangeException">The value is empty or longer than 255 bytes (the wire has no room for it).</exception>
    public LldpId(LldpIdKind kind, byte subtype, ReadOnlySpan<byte> value)
    {
        ArgumentOutOfRangeException.ThrowIfZero(value.Length, nameof(value));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, MaxValueSize, nameof(value));
        Kind = kind;
        Subtype = subtype;
        _value = value.ToArray();
    }

    public static LldpId ChassisMac(MacAddress mac) => new(LldpIdKind.Chassis, ChassisMacAddress, MacBytes(mac));
    public static LldpId PortMac(MacAddress mac) => new(LldpIdKind.Port, PortMacAddress, MacBytes(mac));
    public static LldpId PortName(string name) => new(LldpIdKind.Port, PortInterfaceName, Encoding.ASCII.GetBytes(name));
    public static LldpId PortLocalName(string name) => new(LldpIdKind.Port, PortLocal, Encoding.ASCII.GetBytes(name));

    public LldpIdKind Kind { get; }
    public byte Subtype { get; }
    public ReadOnlySpan<byte> Value => _value;

    public bool IsMacAddress => Subtype == (Kind == LldpIdKind.Chassis ? ChassisMacAddress : PortMacAddress) && _value.Length == MacAddress.Size;

    /// <summary>A MAC-address ID as aa:bb:cc:dd:ee:ff, an IPv4 network address dotted, printable text as is, anything else as hex.</summary>
    public override string ToString()
    {
        if (IsMacAddress)
        {
            return MacAddress.Read(_value).ToString();
        }
        if (Subtype == (Kind == LldpIdKind.Chassis ? ChassisNetworkAddress : PortNetworkAddress)
            && _value.Length == 5 && _value[0] == AddressFamilyIPv4)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{_value[1]}.{_value[2]}.{_value[3]}.{_value[4]}");
        }
        if (Array.TrueForAll(_value, b => b is >= 0x20 and < 0x7F))
        {
            return Encoding.ASCII.GetString(_value);
        }
        return Convert.ToHexStringLower(_value);
    }

    public bool Equals(LldpId? other) =>
        other is not null && Kind == other.Kind && Subtype == other.Subtype && _value.AsSpan().SequenceEqual(other._value);

    public override bool Equals(object? obj) => Equals(obj as LldpId);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        hash.Add(Subtype);
        hash.AddBytes(_value);
        return hash.ToHashCode();
    }

    private static byte[] MacBytes(MacAddress mac)
    {
        var bytes = new byte[MacAddress.Size];
        mac.Write(bytes);
        return bytes;
    }
}
