// Sends a port's frames in batches with one sendmmsg(2) for many frames, instead of one send(2) per
// frame: the forwarding thread queues what the engine gave a port, then flushes once per batch. Frames
// are copied into pinned slots (the engine's pooled buffers are not pinned), which is the one copy the
// kernel would otherwise make from them anyway. On a PacketRing's socket, PACKET_QDISC_BYPASS is set, so
// frames go straight to the driver. A TX ring (PACKET_TX_RING) would save the kernel's copy too, but
// needs slot ownership tracked across the kernel's completions; at 64-byte frames the copy is not the cost.
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

/// <summary>
/// Threading: one thread at a time (the forwarding thread) calls <see cref="Add"/> and <see cref="Flush"/>.
/// The socket belongs to its owner (a PacketRing), which outlives this sender.
/// </summary>
internal sealed class PacketBatchSender
{
    public const int DefaultCapacity = 64;
    /// <summary>Room for a 1500-byte MTU frame with two tags; larger frames are sent alone, at once.</summary>
    public const int DefaultSlotSize = 2048;
    private const int MinimumFrameSize = 14;

    private readonly int _fd;
    private readonly int _slotSize;
    private readonly byte[] _slots;
    private readonly LinuxNative.IoVector[] _vectors;
    private readonly LinuxNative.MultiMessageHeader[] _messages;
    private int _queued;
    private long _sentBytes;

    public PacketBatchSender(int fd, int capacity = DefaultCapacity, int slotSize = DefaultSlotSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(slotSize, 64);
        _fd = fd;
        _slotSize = slotSize;
        // Pinned for the sender's life: the kernel reads the frames through the addresses in the headers.
        _slots = GC.AllocateUninitializedArray<byte>(capacity * slotSize, pinned: true);
        _vectors = GC.AllocateArray<LinuxNative.IoVector>(capacity, pinned: true);
        _messages = GC.AllocateArray<LinuxNative.MultiMessageHeader>(capacity, pinned: true);
        for (int i = 0; i < capacity; i++)
        {
            _vectors[i].Base = Marshal.UnsafeAddrOfPinnedArrayElement(_slots, i * slotSize);
            _messages[i].Message.IoVectors = Marshal.UnsafeAddrOfPinnedArrayElement(_vectors, i);
            _messages[i].Message.IoVectorCount = 1;   // no address: the socket is bound to its interface
        }
    }

    /// <summary>Frames waiting for the next <see cref="Flush"/>.</summary>
    public int Queued => _queued;

    /// <summary>Bytes of the frames the kernel took since the last call (for the port's counters).</summary>
    public long TakeSentBytes()
    {
        long bytes = _sentBytes;
        _sentBytes = 0;
        return bytes;
    }

    /// <summary>
    /// Queues a copy of <paramref name="frame"/>; a full batch is flushed first, and what that flush
    /// reports is added to the result of this call. A frame larger than a slot flushes the queue and
    /// goes alone.
    /// </summary>
    public SendOutcome Add(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < MinimumFrameSize)
        {
            return new SendOutcome(0, 1, Gone: false);
        }
        SendOutcome flushed = default;
        if (frame.Length > _slotSize)
        {
            flushed = Flush();
            return flushed + SendAlone(frame);
        }
        if (_queued == _messages.Length)
        {
            flushed = Flush();
        }
        frame.CopyTo(_slots.AsSpan(_queued * _slotSize, _slotSize));
        _vectors[_queued].Length = (nuint)frame.Length;
        _queued++;
        return flushed;
    }

    /// <summary>Sends every queued frame (one sendmmsg per run of frames the kernel takes); the queue is empty after.</summary>
    public SendOutcome Flush()
    {
        int sent = 0;
        int refused = 0;
        int next = 0;
        while (next < _queued)
        {
            int taken = LinuxNative.sendmmsg(_fd, ref _messages[next], (uint)(_queued - next), LinuxNative.MSG_DONTWAIT);
            if (taken > 0)
            {
                for (int i = next; i < next + taken; i++)
                {
                    _sentBytes += (long)_vectors[i].Length;
                }
                sent += taken;
                next += taken;
                continue;
            }
            int errno = LinuxNative.LastError;
            if (IsGone(errno))
            {
                refused += _queued - next;
                _queued = 0;
                return new SendOutcome(sent, refused, Gone: true);
            }
            if (errno != LinuxNative.EINTR)
            {
                refused++;   // EMSGSIZE, ENOBUFS (the device's queue is full), ...: this frame only
                next++;
            }
        }
        _queued = 0;
        return new SendOutcome(sent, refused, Gone: false);
    }

    private SendOutcome SendAlone(ReadOnlySpan<byte> frame)
    {
        long result = LinuxNative.send(_fd, ref MemoryMarshal.GetReference(frame), (nuint)frame.Length, LinuxNative.MSG_DONTWAIT);
        if (result < 0)
        {
            return new SendOutcome(0, 1, IsGone(LinuxNative.LastError));
        }
        _sentBytes += frame.Length;
        return new SendOutcome(1, 0, Gone: false);
    }

    private static bool IsGone(int errno) => errno is LinuxNative.ENETDOWN or LinuxNative.ENXIO or LinuxNative.ENODEV;
}

/// <summary>What became of the frames a send call handled: sent, refused one by one, and whether the interface is gone.</summary>
internal readonly record struct SendOutcome(int Sent, int Refused, bool Gone)
{
    public static SendOutcome operator +(SendOutcome left, SendOutcome right) =>
        new(left.Sent + right.Sent, left.Refused + right.Refused, left.Gone || right.Gone);
}
