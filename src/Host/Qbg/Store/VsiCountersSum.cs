// A VSI's counters over every appliance that carried it: the sum of their segments. Kept here until
// VsiCountersSnapshot has a Plus of its own in Bridge.Core.
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Host.Qbg.Store;

internal static class VsiCountersSum
{
    public static readonly VsiCountersSnapshot Zero = new(0, 0, 0, 0, new Dictionary<DropReason, long>(), new Dictionary<DropReason, long>());

    public static VsiCountersSnapshot Add(VsiCountersSnapshot left, VsiCountersSnapshot right) =>
        new(left.RxFrames + right.RxFrames, left.RxBytes + right.RxBytes, left.TxFrames + right.TxFrames, left.TxBytes + right.TxBytes,
            Add(left.Dropped, right.Dropped), Add(left.EgressDropped, right.EgressDropped));

    private static Dictionary<DropReason, long> Add(IReadOnlyDictionary<DropReason, long> left, IReadOnlyDictionary<DropReason, long> right)
    {
        var sum = new Dictionary<DropReason, long>(left);
        foreach ((DropReason reason, long count) in right)
        {
            sum[reason] = sum.GetValueOrDefault(reason) + count;
        }
        return sum;
    }
}
