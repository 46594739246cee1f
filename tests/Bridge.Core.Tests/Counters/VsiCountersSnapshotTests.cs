// Snapshot arithmetic: appliances' counter segments of one VSI add up field by field, drop reasons
// merged, and counts a store could hand back damaged are named before they are added anywhere.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Counters;

public sealed class VsiCountersSnapshotTests
{
    private static readonly VsiCountersSnapshot First = new(
        10, 1_000, 20, 2_000,
        new Dictionary<DropReason, long> { [DropReason.AclDenied] = 2, [DropReason.Policed] = 1 },
        new Dictionary<DropReason, long> { [DropReason.EgressQueueFull] = 4 },
        5, 2, 3, 1);

    private static readonly VsiCountersSnapshot Second = new(
        1, 64, 2, 128,
        new Dictionary<DropReason, long> { [DropReason.AclDenied] = 3, [DropReason.ReflectiveRelayOff] = 7 },
        new Dictionary<DropReason, long>(),
        1, 0, 0, 6);

    [Fact]
    public void PlusAddsEveryFieldAndMergesTheDropReasons()
    {
        VsiCountersSnapshot sum = First.Plus(Second);

        VsiCountsAssert.Equal(
            new VsiCountersSnapshot(
                11, 1_064, 22, 2_128,
                new Dictionary<DropReason, long> { [DropReason.AclDenied] = 5, [DropReason.Policed] = 1, [DropReason.ReflectiveRelayOff] = 7 },
                new Dictionary<DropReason, long> { [DropReason.EgressQueueFull] = 4 },
                6, 2, 3, 7),
            sum);
        VsiCountsAssert.Equal(sum, Second.Plus(First));
    }

    [Fact]
    public void EmptyAddsNothing()
    {
        VsiCountsAssert.Equal(First, VsiCountersSnapshot.Empty.Plus(First));
        VsiCountsAssert.Equal(First, First.Plus(VsiCountersSnapshot.Empty));
        Assert.Empty(VsiCountersSnapshot.Empty.Dropped);
        Assert.Equal(0, VsiCountersSnapshot.Empty.RxFrames + VsiCountersSnapshot.Empty.AclDenyHits);
    }

    [Fact]
    public void ValidateNamesNegativeCountsAndUnknownReasons()
    {
        Assert.Null(First.Validate());
        Assert.Equal("a count is negative", (First with { EgressAclDenyHits = -1 }).Validate());
        Assert.Equal("drop reason 200 is unknown", (First with { Dropped = new Dictionary<DropReason, long> { [(DropReason)200] = 1 } }).Validate());
        Assert.Equal("the count of drop reason acl-denied is negative",
            (First with { EgressDropped = new Dictionary<DropReason, long> { [DropReason.AclDenied] = -2 } }).Validate());
    }
}
