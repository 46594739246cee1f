// Rewrites the DSCP of an IPv4 or IPv6 packet in a frame in place, keeping the ECN bits, and for
// IPv4 updating the header checksum incrementally (RFC 1624: HC' = ~(~HC + ~m + m')).
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Hairpin.Bridge.Core.Headers;

public static class DscpRewriter
{
    /// <summary>Sets the DSCP; false (frame untouched) when the frame carries no readable IP header.</summary>
    public static bool TryRewrite(Span<byte> frame, int dscp)
    {
        var ethernet = new EthernetReader(frame);
        if (!ethernet.IsValid)
        {
            return false;
        }
        int at = ethernet.PayloadOffset;
        switch (ethernet.EtherTypeOrLength)
        {
            case EtherTypes.IPv4 when frame.Length >= at + 20 && frame[at] >> 4 == 4:
            {
                ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(frame[at..]);
                ushort newWord = (ushort)((oldWord & 0xFF03) | (dscp << 2));
                frame[at + 1] = (byte)newWord;
                Span<byte> checksum = frame[(at + 10)..];
                uint sum = (uint)(~BinaryPrimitives.ReadUInt16BigEndian(checksum) & 0xFFFF) + (uint)(~oldWord & 0xFFFF) + newWord;
                sum = (sum & 0xFFFF) + (sum >> 16);
                sum = (sum & 0xFFFF) + (sum >> 16);
                BinaryPrimitives.WriteUInt16BigEndian(checksum, (ushort)~sum);
                return true;
            }
            case EtherTypes.IPv6 when frame.Length >= at + 40 && frame[at] >> 4 == 6:
            {
                // Traffic class straddles bytes 0 and 1: version(4) | DSCP(6) ECN(2) | flow label(20).
                uint first = BinaryPrimitives.ReadUInt32BigEndian(frame[at..]);
                first = (first & 0xF03FFFFF) | ((uint)dscp << 22);
                BinaryPrimitives.WriteUInt32BigEndian(frame[at..], first);
                return true;
            }
            default:
                return false;
        }
    }

    /// <summary>The DSCP of the frame's IP header, or -1 when it has none.</summary>
    public static int Read(ReadOnlySpan<byte> frame)
    {
        var ethernet = new EthernetReader(frame);
        if (!ethernet.IsValid)
        {
            return -1;
        }
        return ReadAt(frame, ethernet.PayloadOffset, ethernet.EtherTypeOrLength);
    }

    /// <summary>The DSCP of an IPv4 or IPv6 packet starting at <paramref name="at"/> under EtherType <paramref name="etherType"/>; -1 for anything else.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int ReadAt(ReadOnlySpan<byte> frame, int at, int etherType) => etherType switch
    {
        EtherTypes.IPv4 when frame.Length >= at + 20 && frame[at] >> 4 == 4 => frame[at + 1] >> 2,
        EtherTypes.IPv6 when frame.Length >= at + 40 && frame[at] >> 4 == 6 => (int)((BinaryPrimitives.ReadUInt32BigEndian(frame[at..]) >> 22) & 0x3F),
        _ => -1,
    };
}
