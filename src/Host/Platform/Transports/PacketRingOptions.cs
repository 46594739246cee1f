// The shape of a TPACKET_V2 receive ring: how many frames a port can hold while the forwarding thread
// is busy elsewhere, and how large each slot is. Frames are fixed slots, each handed over on its own
// as soon as it is written: no retire timer (none of TPACKET_V3's idle cost or added latency).
// The default, 4,096 slots of 2 KiB (8 MiB of kernel memory per port; `ring_frames:` in the port's
// attach sets another), holds about as many small
// frames as the 4 MiB socket buffer it replaces (~768 bytes per queued skb there): ~5 ms of a 64-byte
// flood at 800,000 frames/s, what the forwarding thread may lose to the scheduler on a busy machine
// (2,048 slots lost a fifth of such a flood on the 2-core test machine under load, 8,192 a twentieth).
// A slot holds a 1500-byte-MTU frame with two tags; a larger frame (a veth's GSO super-frame) is
// counted as too big, as before.
namespace Hairpin.Host.Transports;

/// <param name="FrameSize">Bytes per slot, header included: a multiple of 16 from 128 up.</param>
/// <param name="FrameCount">Slots in the ring: while every one holds an unread frame, the kernel drops (and counts) what arrives.</param>
/// <param name="FramesPerBlock">Slots per block the kernel allocates at once; a block must be a whole number of pages.</param>
internal readonly record struct PacketRingOptions(
    int FrameSize = 2048,
    int FrameCount = AfPacketAttach.DefaultRingFrames,
    int FramesPerBlock = AfPacketAttach.RingFramesMultiple)
{
    public PacketRingOptions()
        : this(2048)
    {
    }

    public int BlockSize => FrameSize * FramesPerBlock;

    public int BlockCount => FrameCount / FramesPerBlock;

    /// <summary>Bytes mapped for the ring.</summary>
    public long RingSize => (long)FrameSize * FrameCount;

    /// <exception cref="ArgumentException">A geometry the kernel would refuse.</exception>
    public void Validate()
    {
        if (FrameSize < 128 || FrameSize % 16 != 0)
        {
            throw new ArgumentException($"ring frame size {FrameSize}: a multiple of 16 from 128 up");
        }
        if (FramesPerBlock <= 0 || (long)FrameSize * FramesPerBlock % Environment.SystemPageSize != 0 || (long)FrameSize * FramesPerBlock > int.MaxValue)
        {
            throw new ArgumentException($"ring block of {FramesPerBlock} frames of {FrameSize} bytes is not a whole number of pages ({Environment.SystemPageSize})");
        }
        if (FrameCount <= 0 || FrameCount % FramesPerBlock != 0 || RingSize > int.MaxValue)
        {
            throw new ArgumentException($"ring of {FrameCount} frames: a positive multiple of {FramesPerBlock} frames, at most 2 GiB");
        }
    }
}
