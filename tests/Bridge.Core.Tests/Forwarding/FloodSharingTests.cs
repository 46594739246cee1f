// Flooding shares buffers among copies that leave alike (Stages/FanOutStage.cs): one buffer per tag
// form, one of its own for a copy an egress ACL rule acts on, and each back in the pool once, after
// the last queue holding it lets it go.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class FloodSharingTests
{
    private const int Vid = 10;
    private static readonly byte[] Untagged = new FrameBuilder().From("02:00:00:00:00:0a").Build();
    private static readonly byte[] Tagged = new FrameBuilder().From("02:00:00:00:00:0a").Tag(Vid, pcp: 5).Build();
    private static readonly byte[] TaggedWithoutItsTag = [.. Tagged[..12], .. Tagged[16..]];

    /// <summary>p0 and p1, p2 carry VLAN 10 tagged; p3, p4 untagged.</summary>
    private static BridgeConfig Mixed(Func<int, PortConfig, PortConfig>? edit = null) => new()
    {
        Ports = [.. Enumerable.Range(0, 5).Select(i =>
        {
            var port = new PortConfig { Name = $"p{i}", Vlans = i < 3 ? PortVlans.Trunk(VlanSet.Of(Vid)) : PortVlans.Access(Vid) };
            return edit is null ? port : edit(i, port);
        })],
    };

    private static BridgeConfig AllUntagged(int count) => new()
    {
        Ports = [.. Enumerable.Range(0, count).Select(i => new PortConfig { Name = $"p{i}" })],
    };

    private static FrameBuffer TakeOne(BridgeHarness harness, int port)
    {
        Assert.True(harness.Engine.Egress(port).TryDequeue(out FrameBuffer? frame));
        return frame;
    }

    [Fact]
    public void AFloodToPortsThatSendAlikeUsesOneBufferAndItReturnsOnceAfterTheLastSend()
    {
        var harness = new BridgeHarness(AllUntagged(9), poolSize: 4);
        harness.Send(0, Untagged);
        Assert.Equal(3, harness.Pool.AvailableCount);   // one buffer for the eight copies

        FrameBuffer[] sent = [.. Enumerable.Range(1, 8).Select(port => TakeOne(harness, port))];
        Assert.All(sent, frame => Assert.Same(sent[0], frame));
        Assert.Equal(Untagged, sent[0].Span.ToArray());
        for (int i = 0; i < 7; i++)
        {
            harness.Pool.Release(sent[i]);
            Assert.Equal(3, harness.Pool.AvailableCount);   // still held by the queues not yet sent
        }
        harness.Pool.Release(sent[7]);
        Assert.Equal(4, harness.Pool.AvailableCount);
        Assert.All(Enumerable.Range(1, 8), port => Assert.Equal(1, harness.Engine.Counters(port).TxBroadcast));
        Assert.Equal(1, harness.Engine.Counters(0).Flooded);
    }

    [Fact]
    public void CopiesThatNeedTheOtherTagFormShareOneCopyOfTheirOwn()
    {
        var harness = new BridgeHarness(Mixed(), poolSize: 4);
        harness.Send(0, Tagged);
        Assert.Equal(2, harness.Pool.AvailableCount);   // the original (tagged) and one untagged copy

        FrameBuffer taggedOut = TakeOne(harness, 1);
        FrameBuffer untaggedOut = TakeOne(harness, 3);
        Assert.Same(taggedOut, TakeOne(harness, 2));
        Assert.Same(untaggedOut, TakeOne(harness, 4));
        Assert.NotSame(taggedOut, untaggedOut);
        Assert.Equal(Tagged, taggedOut.Span.ToArray());
        Assert.Equal(TaggedWithoutItsTag, untaggedOut.Span.ToArray());

        harness.Pool.Release(taggedOut);
        harness.Pool.Release(taggedOut);
        harness.Pool.Release(untaggedOut);
        Assert.Equal(3, harness.Pool.AvailableCount);
        harness.Pool.Release(untaggedOut);
        Assert.Equal(4, harness.Pool.AvailableCount);
    }

    [Fact]
    public void AFrameNoPortSendsInItsFormIsRetaggedOnceAndSharedWithoutACopy()
    {
        // Only p0 carries VLAN 10 tagged: a tagged frame from it leaves every other port untagged.
        var harness = new BridgeHarness(Mixed((i, port) => i > 0 ? port with { Vlans = PortVlans.Access(Vid) } : port), poolSize: 1);
        harness.Send(0, Tagged);
        Assert.Equal(0, harness.Pool.AvailableCount);   // the one buffer there is, untagged in place
        List<Delivered> delivered = harness.DrainEgress();

        Assert.Equal([1, 2, 3, 4], delivered.Select(copy => copy.Port));
        Assert.All(delivered, copy => Assert.Equal(TaggedWithoutItsTag, copy.Bytes));
        Assert.Equal(0, Enumerable.Range(0, 5).Sum(p => harness.Engine.Counters(p).EgressDroppedFor(DropReason.PoolExhausted)));
        Assert.Equal(1, harness.Pool.AvailableCount);
    }

    [Fact]
    public void WhenThePoolIsEmptyOnlyTheCopiesInTheOtherFormAreDroppedEachCounted()
    {
        var harness = new BridgeHarness(Mixed(), poolSize: 1);
        harness.Send(0, Tagged);
        List<Delivered> delivered = harness.DrainEgress();

        Assert.Equal([1, 2], delivered.Select(copy => copy.Port));
        Assert.All(delivered, copy => Assert.Equal(Tagged, copy.Bytes));
        Assert.Equal(1, harness.Engine.Counters(3).EgressDroppedFor(DropReason.PoolExhausted));
        Assert.Equal(1, harness.Engine.Counters(4).EgressDroppedFor(DropReason.PoolExhausted));
        Assert.Equal(0, harness.Engine.Counters(3).TxFrames);
        Assert.Equal(1, harness.Engine.Counters(0).Forwarded);
        Assert.Equal(1, harness.Pool.AvailableCount);
    }

    [Fact]
    public void ACopyAnEgressRuleRemarksGetsItsOwnBufferAndTheOthersKeepTheirMarking()
    {
        var remark = new AccessList
        {
            Name = "remark",
            DefaultVerdict = AclVerdict.Permit,
            Rules = [new AclRule("all", AclVerdict.Permit, new AclMatch()) { Actions = new AclActions { RemarkPcp = 1 } }],
        };
        BridgeConfig config = Mixed((i, port) => i == 2 ? port with { EgressAcl = "remark" } : port) with { Acls = [remark] };
        var harness = new BridgeHarness(config, poolSize: 4);
        harness.Send(0, Tagged);
        Assert.Equal(1, harness.Pool.AvailableCount);   // the original, the untagged copy, p2's own

        FrameBuffer p1 = TakeOne(harness, 1);
        FrameBuffer p2 = TakeOne(harness, 2);
        Assert.NotSame(p1, p2);
        Assert.False(p2.IsShared);
        Assert.Equal(Tagged, p1.Span.ToArray());
        Assert.Equal(new FrameBuilder().From("02:00:00:00:00:0a").Tag(Vid, pcp: 1).Build(), p2.Span.ToArray());
        harness.Pool.Release(p1);
        harness.Pool.Release(p2);
        harness.DrainEgress();
        Assert.Equal(4, harness.Pool.AvailableCount);
    }

    [Fact]
    public void AFullQueueOnOnePortDropsOnlyThatPortsShareOfTheFrame()
    {
        var harness = new BridgeHarness(AllUntagged(3), options: new BridgeEngineOptions { EgressQueueCapacity = 1 });
        harness.Send([(0, Untagged), (0, Untagged)]);
        Assert.True(harness.Engine.Egress(2).TryDequeue(out FrameBuffer? first));
        harness.Pool.Release(first);
        harness.Send(0, Untagged);   // p1 still holds the first flood's frame: its queue is full

        Assert.Equal(2, harness.Engine.Counters(1).EgressDroppedFor(DropReason.EgressQueueFull));
        Assert.Equal(1, harness.Engine.Counters(2).EgressDroppedFor(DropReason.EgressQueueFull));
        List<Delivered> delivered = harness.DrainEgress();
        Assert.Equal([1, 2], delivered.Select(copy => copy.Port));
        Assert.Equal(harness.Pool.TotalCount, harness.Pool.AvailableCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FloodingAllocatesNothingPerFrameInEitherTagFormOrUnderStormControl(bool mixedForms)
    {
        // The ingress ports are storm-controlled far above this traffic. All untagged, every copy shares
        // the original; mixed, copies to p3, p4 (untagged) share one copy in the other form.
        StormControl high = new() { BroadcastPps = 1_000_000_000, MulticastPps = 1_000_000_000 };
        BridgeConfig config = mixedForms ? Mixed((i, port) => port with { StormControl = high }) : AllUntagged(9) with
        {
            Ports = [.. AllUntagged(9).Ports.Select(port => port with { StormControl = high })],
        };
        var harness = new BridgeHarness(config);
        byte[] multicast = new FrameBuilder().From("02:00:00:00:00:0b").To("01:00:5e:01:02:03").Tag(Vid, pcp: 2).Build();
        byte[][] frames = [.. Enumerable.Range(0, 64).Select(i => (i % 3, mixedForms) switch { (0, _) => Untagged, (1, true) => Tagged, (_, true) => multicast, _ => multicast[..12].Concat(multicast[16..]).ToArray() })];
        int[] ports = [.. Enumerable.Range(0, 64).Select(i => mixedForms && i % 3 == 0 ? 3 : 0)];   // p3 is VLAN 10's untagged access port
        var batch = new FrameBuffer[64];
        harness.SendRecycled(frames, ports, batch, rounds: 100);   // warm-up: the JIT's tiering and first calls are one-time costs

        long allocated = AllocationProbe.LeastOf(3, () => harness.SendRecycled(frames, ports, batch, rounds: 50));

        Assert.Equal(0, allocated);
        Assert.Equal(250 * 64, Enumerable.Range(0, config.Ports.Count).Sum(port => harness.Engine.Counters(port).Flooded));
        Assert.Equal(harness.Pool.TotalCount, harness.Pool.AvailableCount);
    }
}
