// Writes what `hairpin capture` saw as a pcapng stream (draft-ietf-opsawg-pcapng) that tshark, tcpdump
// and Wireshark read without complaint: one section, one interface per bridge port (named for the port,
// nanosecond timestamps), and one Enhanced Packet Block per frame carrying its direction and, for a
// frame the bridge dropped, a comment saying why.
//
// Each block is built whole in one reusable buffer and handed to the stream in a single Write, so a
// reader never sees half a block and writing a frame allocates nothing. Flush policy: with
// flushEveryBlock (the default) the stream is flushed after every block, so a pipe reader
// (`-w - | wireshark -k -i -`) gets each frame as it is written; a file writer passes false and calls
// Flush when it likes (the writer itself holds no bytes back, so disposing the stream loses nothing).
//
// Threading: one writer at a time; the type is not synchronized.
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using Hairpin.Bridge.Core.Capture;

namespace Hairpin.Host.Capture;

public sealed class PcapNgWriter
{
    /// <summary>Wireshark's limit for an Ethernet frame in a capture file; a longer snap length draws a warning.</summary>
    public const int MaxSnapLength = 262144;

    private const uint SectionHeaderBlockType = 0x0A0D0D0A;
    private const uint InterfaceDescriptionBlockType = 0x00000001;
    private const uint EnhancedPacketBlockType = 0x00000006;
    private const uint ByteOrderMagic = 0x1A2B3C4D;
    private const ushort LinkTypeEthernet = 1;

    private const ushort OptionEndOfOptions = 0;
    private const ushort OptionComment = 1;
    private const ushort OptionShbUserApplication = 4;
    private const ushort OptionIfName = 2;
    private const ushort OptionIfTimestampResolution = 9;
    private const ushort OptionEpbFlags = 2;

    /// <summary>if_tsresol: 10^-9 s, nanoseconds.</summary>
    private const byte NanosecondResolution = 9;
    /// <summary>An option's length field is 16 bits.</summary>
    private const int MaxOptionValueSize = ushort.MaxValue;

    private const int BlockHeaderSize = 8;       // type, total length
    private const int BlockTrailerSize = 4;      // total length again
    private const int OptionHeaderSize = 4;      // code, length
    private const int EnhancedPacketFixedSize = 20;   // interface id, timestamp (2), captured and original length
    private const int EpbFlagsOptionSize = OptionHeaderSize + 4;
    /// <summary>Room for a comment the buffer starts with; a longer one grows it once.</summary>
    private const int InitialCommentRoom = 256;

    private readonly Stream _output;
    private readonly bool _flushEveryBlock;
    private byte[] _block;
    private int _interfaceCount;

    /// <summary>Writes the Section Header Block to <paramref name="output"/> at once, so a pipe reader can start.</summary>
    /// <param name="snapLength">Frames longer than this are stored truncated (original length kept); 1..262144.</param>
    /// <param name="flushEveryBlock">Flush the stream after each block (for pipes); false leaves flushing to the caller.</param>
    public PcapNgWriter(Stream output, int snapLength = MaxSnapLength, bool flushEveryBlock = true)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(snapLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(snapLength, MaxSnapLength);
        _output = output;
        _flushEveryBlock = flushEveryBlock;
        SnapLength = snapLength;
        _block = new byte[EnhancedPacketSize(snapLength, InitialCommentRoom)];
        WriteSectionHeader();
    }

    public int SnapLength { get; }

    /// <summary>Describes one capture point (a bridge port) and returns the id its frames are written with.</summary>
    /// <remarks>Call it up front or on a port's first frame: a block may only name interfaces described before it.</remarks>
    public int AddInterface(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        int nameSize = Encoding.UTF8.GetByteCount(name);
        if (nameSize > MaxOptionValueSize)
        {
            throw new ArgumentException($"an interface name may take at most {MaxOptionValueSize} bytes of UTF-8", nameof(name));
        }
        int size = BlockHeaderSize + 8
            + OptionHeaderSize + Padded(nameSize)
            + OptionHeaderSize + 4
            + OptionHeaderSize
            + BlockTrailerSize;
        Span<byte> block = Reserve(size);
        int at = WriteBlockHeader(block, InterfaceDescriptionBlockType, size);
        BinaryPrimitives.WriteUInt16LittleEndian(block[at..], LinkTypeEthernet);
        BinaryPrimitives.WriteUInt16LittleEndian(block[(at + 2)..], 0);   // reserved
        BinaryPrimitives.WriteUInt32LittleEndian(block[(at + 4)..], (uint)SnapLength);
        at += 8;
        at = WriteOptionHeader(block, at, OptionIfName, nameSize);
        Encoding.UTF8.GetBytes(name, block[at..]);
        at = PadTo32Bits(block, at + nameSize);
        at = WriteOptionHeader(block, at, OptionIfTimestampResolution, 1);
        block[at] = NanosecondResolution;
        at = PadTo32Bits(block, at + 1);
        at = WriteOptionHeader(block, at, OptionEndOfOptions, 0);
        WriteBlockTrailer(block, at, size);
        Emit(size);
        return _interfaceCount++;
    }

    /// <summary>Writes one frame as an Enhanced Packet Block.</summary>
    /// <param name="interfaceId">An id <see cref="AddInterface"/> returned.</param>
    /// <param name="unixNanoseconds">When the bridge saw the frame, in nanoseconds since 1970-01-01 UTC.</param>
    /// <param name="comment">Why the bridge dropped the frame (e.g. "dropped: acl-denied"), or null (or empty) for
    /// none; stored as UTF-8 and cut, at a character boundary, to the 65535 bytes an option holds.</param>
    public void WriteFrame(int interfaceId, long unixNanoseconds, ReadOnlySpan<byte> frame, CaptureDirection direction, string? comment = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(interfaceId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(interfaceId, _interfaceCount);
        ArgumentOutOfRangeException.ThrowIfNegative(unixNanoseconds);
        int capturedSize = Math.Min(frame.Length, SnapLength);
        int commentRoom = comment is null ? 0 : Math.Min(Encoding.UTF8.GetByteCount(comment), MaxOptionValueSize);
        Span<byte> block = Reserve(EnhancedPacketSize(capturedSize, commentRoom));

        int at = BlockHeaderSize;
        BinaryPrimitives.WriteUInt32LittleEndian(block[at..], (uint)interfaceId);
        BinaryPrimitives.WriteUInt32LittleEndian(block[(at + 4)..], (uint)((ulong)unixNanoseconds >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(block[(at + 8)..], (uint)unixNanoseconds);
        BinaryPrimitives.WriteUInt32LittleEndian(block[(at + 12)..], (uint)capturedSize);
        BinaryPrimitives.WriteUInt32LittleEndian(block[(at + 16)..], (uint)frame.Length);
        at += EnhancedPacketFixedSize;
        frame[..capturedSize].CopyTo(block[at..]);
        at = PadTo32Bits(block, at + capturedSize);

        at = WriteOptionHeader(block, at, OptionEpbFlags, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(block[at..], (uint)direction);
        at += 4;
        if (commentRoom > 0)
        {
            // Whole characters only: a comment cut at the option's limit stays valid UTF-8.
            Utf8.FromUtf16(comment, block.Slice(at + OptionHeaderSize, commentRoom), out _, out int commentSize);
            at = WriteOptionHeader(block, at, OptionComment, commentSize);
            at = PadTo32Bits(block, at + commentSize);
        }
        at = WriteOptionHeader(block, at, OptionEndOfOptions, 0);
        int size = at + BlockTrailerSize;
        WriteBlockHeader(block, EnhancedPacketBlockType, size);
        WriteBlockTrailer(block, at, size);
        Emit(size);
    }

    /// <summary>Flushes the stream (needed only without flushEveryBlock: the writer keeps no bytes itself).</summary>
    public void Flush() => _output.Flush();

    private void WriteSectionHeader()
    {
        ReadOnlySpan<byte> application = "hairpin"u8;
        int size = BlockHeaderSize + 16
            + OptionHeaderSize + Padded(application.Length)
            + OptionHeaderSize
            + BlockTrailerSize;
        Span<byte> block = Reserve(size);
        int at = WriteBlockHeader(block, SectionHeaderBlockType, size);
        BinaryPrimitives.WriteUInt32LittleEndian(block[at..], ByteOrderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(block[(at + 4)..], 1);   // major version
        BinaryPrimitives.WriteUInt16LittleEndian(block[(at + 6)..], 0);   // minor version
        BinaryPrimitives.WriteInt64LittleEndian(block[(at + 8)..], -1);   // section length: not known while streaming
        at += 16;
        at = WriteOptionHeader(block, at, OptionShbUserApplication, application.Length);
        application.CopyTo(block[at..]);
        at = PadTo32Bits(block, at + application.Length);
        at = WriteOptionHeader(block, at, OptionEndOfOptions, 0);
        WriteBlockTrailer(block, at, size);
        Emit(size);
    }

    private static int EnhancedPacketSize(int capturedSize, int commentSize) =>
        BlockHeaderSize + EnhancedPacketFixedSize + Padded(capturedSize)
        + EpbFlagsOptionSize
        + (commentSize > 0 ? OptionHeaderSize + Padded(commentSize) : 0)
        + OptionHeaderSize
        + BlockTrailerSize;

    /// <summary>The reusable block buffer, grown (rarely: a long comment or name) to hold <paramref name="size"/> bytes.</summary>
    private Span<byte> Reserve(int size)
    {
        if (_block.Length < size)
        {
            _block = new byte[size];
        }
        return _block.AsSpan(0, size);
    }

    private static int WriteBlockHeader(Span<byte> block, uint type, int size)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(block, type);
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], (uint)size);
        return BlockHeaderSize;
    }

    private static void WriteBlockTrailer(Span<byte> block, int at, int size)
    {
        if (at + BlockTrailerSize != size)
        {
            throw new InvalidOperationException($"pcapng block laid out as {at + BlockTrailerSize} bytes, sized {size}");
        }
        BinaryPrimitives.WriteUInt32LittleEndian(block[at..], (uint)size);
    }

    private static int WriteOptionHeader(Span<byte> block, int at, ushort code, int valueSize)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(block[at..], code);
        BinaryPrimitives.WriteUInt16LittleEndian(block[(at + 2)..], (ushort)valueSize);
        return at + OptionHeaderSize;
    }

    /// <summary>Zeroes the bytes up to the next 32-bit boundary (the buffer is reused, padding must not leak old bytes).</summary>
    private static int PadTo32Bits(Span<byte> block, int at)
    {
        int end = Padded(at);
        block[at..end].Clear();
        return end;
    }

    private static int Padded(int size) => (size + 3) & ~3;

    private void Emit(int size)
    {
        _output.Write(_block, 0, size);
        if (_flushEveryBlock)
        {
            _output.Flush();
        }
    }
}
