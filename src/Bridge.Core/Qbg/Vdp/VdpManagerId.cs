// The VSI Manager ID (802.1Qbg-2012 41.2.2): 16 bytes naming the database that defines the VSI types.
// lldpad's vdptool takes it as text (mgrid2=mgr1) and pads it with NULs; it is echoed byte for byte.
using System.Buffers.Binary;
using System.Text;

namespace Hairpin.Bridge.Core.Qbg.Vdp;

public readonly record struct VdpManagerId(UInt128 Value)
{
    public const int Size = 16;

    public static VdpManagerId Read(ReadOnlySpan<byte> bytes) => new(BinaryPrimitives.ReadUInt128BigEndian(bytes));

    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt128BigEndian(destination, Value);

    /// <summary>Up to 16 ASCII characters, NUL-padded as lldpad does.</summary>
    public static VdpManagerId FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > Size || !Ascii.IsValid(text))
        {
            throw new ArgumentException($"manager ID '{text}' is not 1..16 ASCII characters", nameof(text));
        }
        Span<byte> bytes = stackalloc byte[Size];
        bytes.Clear();
        Encoding.ASCII.GetBytes(text, bytes);
        return Read(bytes);
    }

    /// <summary>The bytes before the trailing NULs are all printable ASCII: the ID reads as text.</summary>
    public bool IsText
    {
        get
        {
            Span<byte> bytes = stackalloc byte[Size];
            Write(bytes);
            ReadOnlySpan<byte> used = bytes.TrimEnd((byte)0);
            foreach (byte b in used)
            {
                if (b is < 0x20 or > 0x7E)
                {
                    return false;
                }
            }
            return !used.IsEmpty;
        }
    }

    /// <summary>The text trimmed of NULs (e.g. "mgr1"), or 32 hex digits when the bytes are not text.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Write(bytes);
        return IsText ? Encoding.ASCII.GetString(bytes.TrimEnd((byte)0)) : Convert.ToHexStringLower(bytes);
    }
}
