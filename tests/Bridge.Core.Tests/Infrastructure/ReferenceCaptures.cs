// The two real lldpad-to-lldpad captures of ../shared/reference (station 02:00:00:00:5a:01, bridge
// 02:00:00:00:b0:01), read from classic pcap files: the seeds of the protocol tests and fuzzers.
using System.Buffers.Binary;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

public static class ReferenceCaptures
{
    /// <summary>The ratified 802.1Qbg-2012 exchange: LLDP with the EVB TLV, then ECP carrying VDP.</summary>
    public static IReadOnlyList<byte[]> Ratified { get; } = Read("qbg-reference.pcap");

    /// <summary>The pre-standard draft 0.2 exchange (EVB OUI 00-1B-3F, ECP 0x88B7): must be ignored, never crash.</summary>
    public static IReadOnlyList<byte[]> Draft02 { get; } = Read("qbg-draft02.pcap");

    /// <summary>Frames of <paramref name="etherType"/> (untagged) in the ratified capture.</summary>
    public static IReadOnlyList<byte[]> RatifiedOfType(ushort etherType) =>
        [.. Ratified.Where(frame => frame.Length >= 14 && BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == etherType)];

    private static List<byte[]> Read(string name)
    {
        byte[] file = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Qbg", "Captures", name));
        bool littleEndian = BinaryPrimitives.ReadUInt32LittleEndian(file) == 0xA1B2C3D4;
        var frames = new List<byte[]>();
        int offset = 24;   // global header
        while (offset + 16 <= file.Length)
        {
            ReadOnlySpan<byte> record = file.AsSpan(offset, 16);
            int captured = (int)(littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(record[8..]) : BinaryPrimitives.ReadUInt32BigEndian(record[8..]));
            offset += 16;
            frames.Add(file.AsSpan(offset, captured).ToArray());
            offset += captured;
        }
        return frames;
    }
}
