// The pool's reference counting: a buffer shared by several holders goes back once, when the last lets go.
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Tests.Frames;

public sealed class FramePoolTests
{
    [Fact]
    public void ASharedBufferReturnsToThePoolOnlyWhenItsLastHolderReleasesIt()
    {
        var pool = new FramePool(2);
        Assert.True(pool.TryRent(out FrameBuffer? buffer));
        FramePool.Share(buffer);
        FramePool.Share(buffer);
        Assert.True(buffer.IsShared);

        pool.Release(buffer);
        pool.Release(buffer);
        Assert.Equal(1, pool.AvailableCount);
        Assert.False(buffer.IsShared);

        pool.Release(buffer);
        Assert.Equal(2, pool.AvailableCount);
        Assert.Throws<InvalidOperationException>(() => pool.Release(buffer));
        Assert.Equal(2, pool.AvailableCount);
    }

    [Fact]
    public void ABufferNoPoolLentCannotBeShared()
    {
        var loose = new FrameBuffer(2048);
        Assert.Throws<InvalidOperationException>(() => FramePool.Share(loose));
    }

    [Fact]
    public void ARentedAgainBufferStartsWithOneHolderAndCleanMetadata()
    {
        var pool = new FramePool(1);
        Assert.True(pool.TryRent(out FrameBuffer? first));
        first.IngressPort = 3;
        FramePool.Share(first);
        pool.Release(first);
        pool.Release(first);

        Assert.True(pool.TryRent(out FrameBuffer? again));
        Assert.Same(first, again);
        Assert.False(again.IsShared);
        Assert.Equal(-1, again.IngressPort);
        pool.Release(again);
        Assert.Equal(1, pool.AvailableCount);
    }
}
