// Reads the frames of a classic pcap file (what `tcpdump -w` writes) so a test can compare bytes: the
// 24-byte file header, then per frame a 16-byte record header (captured length at offset 8) and the bytes.
using System.Buffers.Binary;

namespace Hairpin.Host.Tests.Infrastructure;

internal static class PcapFile
{
    public static List<byte[]> Frames(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.Length >= 24, $"{path} is no pcap file ({bytes.Length} bytes)");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        Assert.True(magic is 0xA1B2C3D4 or 0xA1B23C4D, $"{path}: not a little-endian pcap file (magic {magic:x8})");
        var frames = new List<byte[]>();
        for (int at = 24; at + 16 <= bytes.Length;)
        {
            int captured = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8));
            at += 16;
            if (at + captured > bytes.Length)
            {
                break;   // cut short by the capture's end
            }
            frames.Add(bytes[at..(at + captured)]);
            at += captured;
        }
        return frames;
    }
}
