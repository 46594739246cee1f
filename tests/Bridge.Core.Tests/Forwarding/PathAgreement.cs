// What the fast-path agreement tests (FastPathAgreementTests, PolicyPathAgreementTests) compare between
// a live engine (fast paths) and a reporting one (general path only): the frames each delivered, in
// order, with their ports, VLAN and class, and every port counter.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

internal static class PathAgreement
{
    public static void AssertSameFrames(List<Delivered> expected, List<Delivered> actual, string where)
    {
        Assert.True(expected.Count == actual.Count, $"{where}: {actual.Count} frames, the general path gave {expected.Count}");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Port == actual[i].Port && expected[i].IngressPort == actual[i].IngressPort
                && expected[i].Vid == actual[i].Vid && expected[i].TrafficClass == actual[i].TrafficClass
                && expected[i].Bytes.AsSpan().SequenceEqual(actual[i].Bytes), $"{where}: frame {i} differs: {actual[i]} vs {expected[i]}");
        }
    }

    public static void AssertSameCounters(PortCounters expected, PortCounters actual, string where)
    {
        long[] Scalars(PortCounters c) =>
        [
            c.RxFrames, c.RxBytes, c.RxUnicast, c.RxMulticast, c.RxBroadcast, c.Forwarded, c.Trapped, c.Flooded,
            c.TxFrames, c.TxBytes, c.TxUnicast, c.TxMulticast, c.TxBroadcast, c.Learned, c.MovedIn, c.LearnLimitHits,
            c.ErrorDisabled, c.MovesDamped, c.StormEpisodes, c.LoopProbesSent, c.Mirrored,
        ];
        Assert.True(Scalars(expected).SequenceEqual(Scalars(actual)), $"{where}: counters {string.Join(',', Scalars(actual))} vs {string.Join(',', Scalars(expected))}");
        Assert.True(expected.Dropped.SequenceEqual(actual.Dropped), $"{where}: drop counters differ");
        Assert.True(expected.EgressDropped.SequenceEqual(actual.EgressDropped), $"{where}: egress drop counters differ");
    }
}
