// The fixed set of frame buffers a bridge runs on. Everything is allocated up front: an empty pool
// answers "no" (the caller counts a drop) instead of allocating on the forwarding path. Buffers are
// reference counted so a flood can put one buffer on several egress queues: each holder releases
// its reference, and the buffer is free again when the last one does.
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Hairpin.Bridge.Core.Frames;

/// <summary>
/// A bounded freelist of <see cref="FrameBuffer"/>s. Not thread-safe: it belongs to the forwarding
/// thread (the Host gives each I/O thread its own hand-off rings, not a share of this pool).
/// </summary>
public sealed class FramePool
{
    private readonly FrameBuffer[] _free;
    private readonly FrameBufferPolicy _policy;
    private int _count;

    /// <summary>
    /// Carves every buffer from one pinned slab: neighbouring frames share pages (fewer TLB misses
    /// per batch) and native I/O (packet sockets, rings) can use them without pinning per call.
    /// </summary>
    public FramePool(int bufferCount, int frameCapacity = 2048, int headroom = FrameBuffer.DefaultHeadroom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferCount, 1);
        _policy = new FrameBufferPolicy(frameCapacity, headroom);
        int stride = (headroom + frameCapacity + 63) & ~63;
        byte[] slab = GC.AllocateArray<byte>(checked(bufferCount * stride), pinned: true);
        _free = new FrameBuffer[bufferCount];
        for (int i = 0; i < bufferCount; i++)
        {
            _free[i] = new FrameBuffer(slab, i * stride, frameCapacity, headroom);
        }
        _count = bufferCount;
    }

    public int TotalCount => _free.Length;
    /// <summary>Largest frame a buffer of this pool holds.</summary>
    public int FrameCapacity => _policy.FrameCapacity;
    public int AvailableCount => _count;

    /// <summary>Takes a clean buffer, or returns false when all are in use (never allocates).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRent([NotNullWhen(true)] out FrameBuffer? buffer)
    {
        int count = _count;
        if (count == 0)
        {
            buffer = null;
            return false;
        }
        _count = count - 1;
        buffer = _free[count - 1];
        buffer.References = 1;
        return true;
    }

    /// <summary>
    /// Another holder of <paramref name="buffer"/> (an egress queue sharing a flooded frame); it releases
    /// its reference like any other. Only a rented buffer can be shared.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Share(FrameBuffer buffer)
    {
        if (buffer.References == 0)
        {
            ThrowNotRented();
        }
        buffer.References++;
    }

    /// <summary><paramref name="holders"/> more holders of <paramref name="buffer"/> at once (a flood's queues), as that many <see cref="Share(FrameBuffer)"/> calls would make.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Share(FrameBuffer buffer, int holders)
    {
        if (buffer.References == 0)
        {
            ThrowNotRented();
        }
        buffer.References = (ushort)(buffer.References + holders);
    }

    /// <summary>
    /// Drops one reference to a buffer; the last one gives it back. Releasing a buffer nobody holds
    /// (released twice) is refused loudly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Release(FrameBuffer buffer)
    {
        int references = buffer.References;
        if (references > 1)
        {
            buffer.References = (ushort)(references - 1);
            return;
        }
        int count = _count;
        if (references == 0 || (uint)count >= (uint)_free.Length)
        {
            ThrowOverfull();
        }
        buffer.References = 0;
        _policy.Return(buffer);
        _free[count] = buffer;
        _count = count + 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowOverfull() =>
        throw new InvalidOperationException("A frame buffer was released more often than it was held (released twice, or not from this pool).");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotRented() =>
        throw new InvalidOperationException("Only a buffer rented from a pool can be shared.");
}
