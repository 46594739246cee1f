// When buffers or queue space run out, the engine drops and counts; it never allocates, blocks or throws.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class ResourceExhaustionTests
{
    private static readonly byte[] Broadcast = new FrameBuilder().From("02:00:00:00:00:0a").Build();

    private static BridgeConfig Ports(int count) => new()
    {
        Ports = Enumerable.Range(0, count).Select(i => new PortConfig { Name = $"p{i}" }).ToArray(),
    };

    [Fact]
    public void AFloodWithTooFewBuffersDeliversWhatItCanAndCountsEachMissingCopy()
    {
        // 8 ports, each counting what leaves by an egress ACL rule, so every copy needs a buffer of its
        // own (copies that leave alike share one): a broadcast from p0 needs 6 copies plus the original.
        // Leave the pool 2 spare buffers.
        var counted = new AccessList
        {
            Name = "count-all",
            DefaultVerdict = AclVerdict.Permit,
            Rules = [new AclRule("all", AclVerdict.Permit, new AclMatch()) { Actions = new AclActions { Count = "out" } }],
        };
        BridgeConfig config = Ports(8);
        config = config with { Acls = [counted], Ports = [.. config.Ports.Select(port => port with { EgressAcl = "count-all" })] };
        var harness = new BridgeHarness(config, poolSize: 3);
        harness.Send(0, Broadcast);
        List<Delivered> delivered = harness.DrainEgress();

        Assert.Equal(3, delivered.Count);
        long poolDrops = Enumerable.Range(0, 8).Sum(p => harness.Engine.Counters(p).EgressDroppedFor(DropReason.PoolExhausted));
        Assert.Equal(4, poolDrops);
        Assert.Equal(1, harness.Engine.Counters(0).Forwarded);
        Assert.Equal(3, harness.Pool.AvailableCount);
    }

    [Fact]
    public void AFullEgressQueueDropsAndCountsInsteadOfBlocking()
    {
        var harness = new BridgeHarness(Ports(2), options: new BridgeEngineOptions { EgressQueueCapacity = 4 });
        harness.Send(Enumerable.Repeat((0, Broadcast), 10));
        Assert.Equal(4, harness.Engine.Egress(1).Count);
        Assert.Equal(6, harness.Engine.Counters(1).EgressDroppedFor(DropReason.EgressQueueFull));
        Assert.Equal(4, harness.Engine.Counters(1).TxFrames);
        harness.DrainEgress();
        Assert.Equal(harness.Pool.TotalCount, harness.Pool.AvailableCount);
    }

    [Fact]
    public void AFullControlPlaneQueueDropsTrappedFramesWithTheirOwnReason()
    {
        var harness = new BridgeHarness(Ports(2), options: new BridgeEngineOptions { ControlPlaneQueueCapacity = 2 });
        byte[] lldp = new FrameBuilder().From("02:00:00:00:00:0a").To("01:80:c2:00:00:0e").EtherType(EtherTypes.Lldp).Build();
        harness.Send(Enumerable.Repeat((0, lldp), 5));
        Assert.Equal(2, harness.Engine.Counters(0).Trapped);
        Assert.Equal(3, harness.Engine.Counters(0).DroppedFor(DropReason.ControlPlaneQueueFull));
    }

    [Fact]
    public void AnEmptyPoolRefusesInsteadOfAllocating()
    {
        var pool = new FramePool(1);
        Assert.True(pool.TryRent(out FrameBuffer? only));
        Assert.False(pool.TryRent(out FrameBuffer? none));
        Assert.Null(none);
        pool.Release(only);
        Assert.Throws<InvalidOperationException>(() => pool.Release(only));
    }
}
