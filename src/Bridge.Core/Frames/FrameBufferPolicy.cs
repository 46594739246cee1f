// How the pool makes and recycles frame buffers, in Microsoft.Extensions.ObjectPool's policy shape so
// the Host can reuse the same policy with its own pools.
using Microsoft.Extensions.ObjectPool;

namespace Hairpin.Bridge.Core.Frames;

public sealed class FrameBufferPolicy(int frameCapacity, int headroom = FrameBuffer.DefaultHeadroom)
    : PooledObjectPolicy<FrameBuffer>
{
    public int FrameCapacity { get; } = frameCapacity;

    public override FrameBuffer Create() => new(FrameCapacity, headroom);

    /// <summary>Resets the buffer so no metadata from its last frame leaks into the next.</summary>
    public override bool Return(FrameBuffer obj)
    {
        obj.Reset();
        return true;
    }
}
