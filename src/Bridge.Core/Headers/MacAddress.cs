// A 48-bit Ethernet address held in the low bits of a ulong, so that FDB keys and comparisons are
// single integer operations on the forwarding path. The tests the receive path makes are marked for
// inlining: that path is one large method, and once the JIT's inlining budget for it runs out, even
// a one-compare property becomes a call with the address spilled to the stack.
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Hairpin.Bridge.Core.Headers;

/// <summary>An IEEE 802 MAC address (EUI-48), value-typed and allocation-free.</summary>
public readonly record struct MacAddress(ulong Value) : ISpanFormattable
{
    public const int Size = 6;
    private const ulong Mask = 0xFFFF_FFFF_FFFFUL;

    public static readonly MacAddress Broadcast = new(Mask);
    public static readonly MacAddress Zero = new(0);

    /// <summary>Reads six bytes in network order.</summary>
    public static MacAddress Read(ReadOnlySpan<byte> bytes) =>
        new(((ulong)BinaryPrimitives.ReadUInt32BigEndian(bytes) << 16) | BinaryPrimitives.ReadUInt16BigEndian(bytes[4..]));

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(Value >> 16));
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], (ushort)Value);
    }

    /// <summary>The I/G bit: group (multicast or broadcast) addresses have it set.</summary>
    public bool IsGroup
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (Value & 0x0100_0000_0000UL) != 0;
    }
    public bool IsBroadcast
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Value == Mask;
    }
    public bool IsMulticast => IsGroup && !IsBroadcast;
    public bool IsZero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Value == 0;
    }

    /// <summary>01-80-C2-00-00-00 .. 0F: IEEE 802.1Q reserved addresses that a bridge never relays as-is.</summary>
    public bool IsLinkLocalGroup
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (Value & ~0xFUL) == 0x0180_C200_0000UL;
    }

    /// <summary>01-80-C2-00-00-21: the address MVRP (802.1Q clause 11) speaks to.</summary>
    public const ulong MvrpValue = 0x0180_C200_0021UL;

    /// <summary>The last nibble of a link-local group address (0x00 STP/EVB, 0x01 pause, 0x0E LLDP ...).</summary>
    public int LinkLocalIndex
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (int)(Value & 0xF);
    }

    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address (expected six hex bytes, e.g. 52:54:00:00:00:0a)");

    /// <summary>Accepts aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff and aabb.ccdd.eeff (Cisco) forms.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out MacAddress mac)
    {
        mac = default;
        ulong value = 0;
        int digits = 0;
        foreach (char c in text)
        {
            if (c is ':' or '-' or '.')
            {
                continue;
            }
            int nibble = HexValue(c);
            if (nibble < 0 || ++digits > 12)
            {
                return false;
            }
            value = (value << 4) | (uint)nibble;
        }
        if (digits != 12)
        {
            return false;
        }
        mac = new MacAddress(value);
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    public override string ToString() => ToString(null, null);

    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        Span<char> buffer = stackalloc char[17];
        TryFormat(buffer, out int written, default, null);
        return new string(buffer[..written]);
    }

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        charsWritten = 0;
        if (destination.Length < 17)
        {
            return false;
        }
        for (int i = 0; i < 6; i++)
        {
            byte b = (byte)(Value >> (40 - (8 * i)));
            if (i > 0)
            {
                destination[charsWritten++] = ':';
            }
            b.TryFormat(destination[charsWritten..], out int n, "x2", CultureInfo.InvariantCulture);
            charsWritten += n;
        }
        return true;
    }
}
