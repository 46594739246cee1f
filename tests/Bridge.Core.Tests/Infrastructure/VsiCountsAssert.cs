// One comparison of two VSI counter snapshots, field by field: the record's own equality compares
// its drop tables by reference, which says nothing about the counts in them.
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

public static class VsiCountsAssert
{
    public static void Equal(VsiCountersSnapshot expected, VsiCountersSnapshot actual)
    {
        Assert.Equal(
            (expected.RxFrames, expected.RxBytes, expected.TxFrames, expected.TxBytes),
            (actual.RxFrames, actual.RxBytes, actual.TxFrames, actual.TxBytes));
        Assert.Equal(
            (expected.AclPermitHits, expected.AclDenyHits, expected.EgressAclPermitHits, expected.EgressAclDenyHits),
            (actual.AclPermitHits, actual.AclDenyHits, actual.EgressAclPermitHits, actual.EgressAclDenyHits));
        Assert.Equal(Sorted(expected.Dropped), Sorted(actual.Dropped));
        Assert.Equal(Sorted(expected.EgressDropped), Sorted(actual.EgressDropped));
    }

    private static List<KeyValuePair<DropReason, long>> Sorted(IReadOnlyDictionary<DropReason, long> drops) =>
        [.. drops.OrderBy(pair => pair.Key)];
}
