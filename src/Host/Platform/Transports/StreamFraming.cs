// QEMU's stream/socket netdev framing (net/stream.c, net/net.c net_fill_rstate): every frame, both ways,
// is a 4-byte big-endian length then the Ethernet frame, no FCS, no header, no handshake.
using System.Buffers;
using System.Buffers.Binary;

namespace Hairpin.Host.Transports;

internal static class StreamFraming
{
    public const int HeaderSize = 4;

    /// <summary>QEMU drops a connection that announces a longer frame ("oversized packet received"); so do we.</summary>
    public const int MaxFrameSize = 69632;

    public enum Take
    {
        /// <summary>Every whole frame was delivered; the rest waits for more bytes.</summary>
        NeedMore,
        /// <summary>A length of 0 or over <see cref="MaxFrameSize"/>: the peer does not speak the protocol.</summary>
        BadLength,
    }

    /// <summary>
    /// Hands every whole frame at the start of <paramref name="buffer"/> to the port and slices them off.
    /// A frame split across segments is copied into <paramref name="scratch"/> (at least MaxFrameSize) first.
    /// </summary>
    public static Take DeliverFrames(ref ReadOnlySequence<byte> buffer, PortQueues queues, byte[] scratch, out uint badLength)
    {
        badLength = 0;
        while (buffer.Length >= HeaderSize)
        {
            var reader = new SequenceReader<byte>(buffer);
            reader.TryReadBigEndian(out int signedLength);
            uint length = (uint)signedLength;
            if (length is 0 or > MaxFrameSize)
            {
                badLength = length;
                return Take.BadLength;
            }
            if (buffer.Length < HeaderSize + length)
            {
                return Take.NeedMore;
            }
            ReadOnlySequence<byte> frame = buffer.Slice(HeaderSize, length);
            if (frame.IsSingleSegment)
            {
                queues.Receive(frame.FirstSpan);
            }
            else
            {
                frame.CopyTo(scratch);
                queues.Receive(scratch.AsSpan(0, (int)length));
            }
            buffer = buffer.Slice(frame.End);
        }
        return Take.NeedMore;
    }

    /// <summary>Writes one frame with its length prefix.</summary>
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> frame)
    {
        Span<byte> span = writer.GetSpan(HeaderSize + frame.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)frame.Length);
        frame.CopyTo(span[HeaderSize..]);
        writer.Advance(HeaderSize + frame.Length);
    }
}
