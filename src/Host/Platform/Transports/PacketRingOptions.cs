// The shape of a TPACKET_V3 receive ring: how much memory a port maps, and how long a partly filled
// block waits before the kernel hands it over anyway (the latency a lone frame pays on a quiet link).
namespace Hairpin.Host.Transports;

/// <param name="BlockSize">Bytes per block; a multiple of the page size, large enough for the largest frame (veth hands GSO frames of up to 64 KiB).</param>
/// <param name="BlockCount">Blocks in the ring: while user space holds all of them, the kernel drops (and counts) what arrives.</param>
/// <param name="FrameSize">The nominal frame size the kernel checks the geometry with; in TPACKET_V3 frames are packed, so it does not limit their size.</param>
/// <param name="RetireTimeoutMilliseconds">A block that is not full is handed to user space this long after its first frame.</param>
internal readonly record struct PacketRingOptions(
    int BlockSize = 1 << 20,
    int BlockCount = 8,
    int FrameSize = 2048,
    int RetireTimeoutMilliseconds = 1)
{
    public PacketRingOptions()
        : this(1 << 20)
    {
    }

    /// <summary>Bytes mapped for the ring.</summary>
    public long RingSize => (long)BlockSize * BlockCount;

    /// <exception cref="ArgumentException">A geometry the kernel would refuse.</exception>
    public void Validate()
    {
        if (BlockSize <= 0 || BlockSize % Environment.SystemPageSize != 0)
        {
            throw new ArgumentException($"ring block size {BlockSize} is not a positive multiple of the page size ({Environment.SystemPageSize})");
        }
        if (BlockCount <= 0 || RingSize > int.MaxValue)
        {
            throw new ArgumentException($"ring of {BlockCount} blocks of {BlockSize} bytes: between 1 block and 2 GiB");
        }
        if (FrameSize < 128 || FrameSize % 16 != 0 || FrameSize > BlockSize)
        {
            throw new ArgumentException($"ring frame size {FrameSize}: a multiple of 16 from 128 up to the block size");
        }
        if (RetireTimeoutMilliseconds <= 0)
        {
            throw new ArgumentException($"ring retire timeout {RetireTimeoutMilliseconds} ms: at least 1 ms");
        }
    }
}
