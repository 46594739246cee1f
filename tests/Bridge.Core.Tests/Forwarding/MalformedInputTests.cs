// Truncated and garbage frames of every length never throw out of the forwarding path; each is
// counted, and those that cannot be Ethernet are counted as malformed.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class MalformedInputTests
{
    private const int MaxLength = 1600;
    private static readonly DropReason[] MalformedReasons =
        Enum.GetValues<DropReason>().Where(reason => reason.ToString().StartsWith("Malformed", StringComparison.Ordinal)).ToArray();

    private static BridgeHarness TwoTrunks() => BridgeHarness.WithPorts(
        new PortConfig { Name = "p0", Vlans = PortVlans.Trunk(VlanSet.Of(10), nativeVid: 1) },
        new PortConfig { Name = "p1", Vlans = PortVlans.Trunk(VlanSet.Of(10), nativeVid: 1) });

    [Fact]
    public void EveryTruncationOfATaggedFrameIsCountedAndNeverThrows()
    {
        byte[] whole = new FrameBuilder().From("02:00:00:00:00:0a").To("02:00:00:00:00:0b").Tag(10, 3).Tag(20)
            .Ipv4Udp(0xA9FE0001, 0xA9FE0002, 1000, 2000, payloadSize: 1560).Build();   // 1610 bytes: past the 1522 limit
        var harness = TwoTrunks();
        for (int length = 0; length <= whole.Length; length++)
        {
            harness.Send(0, whole[..length]);
            harness.DrainEgress();
        }
        PortCounters counters = harness.Engine.Counters(0);
        long sent = whole.Length + 1;
        Assert.Equal(sent, counters.RxFrames);
        Assert.Equal(sent, counters.Forwarded + counters.Trapped + counters.DroppedTotal);
        // 0..13: runt; 14..17: the outer tag is cut; 18..21: the inner tag is cut; 1523..: too long.
        Assert.Equal(14, counters.DroppedFor(DropReason.MalformedRunt));
        Assert.Equal(8, counters.DroppedFor(DropReason.MalformedTruncatedTag));
        Assert.Equal(whole.Length - 1522, counters.DroppedFor(DropReason.MalformedOversized));
        Assert.Equal(harness.Pool.TotalCount, harness.Pool.AvailableCount);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(1234)]
    public void RandomGarbageOfEveryLengthIsCountedAndNeverThrows(int seed)
    {
        var random = new Random(seed);
        var harness = TwoTrunks();
        long malformedExpected = 0;
        for (int length = 0; length <= MaxLength; length++)
        {
            for (int round = 0; round < 4; round++)
            {
                var frame = new byte[length];
                random.NextBytes(frame);
                if (round == 1 && length >= 12)
                {
                    frame[6] &= 0xFE;   // a unicast source, so the frame gets past the source check
                }
                if (round == 2 && length >= 14)
                {
                    frame[12] = 0x81;   // claims a C-tag
                    frame[13] = 0x00;
                }
                if (round == 3 && length >= 14)
                {
                    frame[12] = 0x05;   // an 802.3 length field of random size
                }
                if (length < EthernetReader.HeaderSize || length > 1522 || !new EthernetReader(frame).IsValid)
                {
                    malformedExpected++;
                }
                harness.Send(random.Next(2), frame);
                harness.DrainEgress();
                harness.DrainControlPlane();
            }
        }
        long sent = 4L * (MaxLength + 1);
        long received = 0, accounted = 0, malformed = 0;
        for (int port = 0; port < 2; port++)
        {
            PortCounters counters = harness.Engine.Counters(port);
            received += counters.RxFrames;
            accounted += counters.Forwarded + counters.Trapped + counters.DroppedTotal;
            malformed += MalformedReasons.Sum(reason => counters.DroppedFor(reason));
        }
        Assert.True(sent == received, $"seed {seed}: {received} of {sent} received");
        Assert.True(sent == accounted, $"seed {seed}: {accounted} of {sent} accounted for");
        // Reserved VID 4095 in a random tag is malformed too, on top of what the reader rejects.
        Assert.True(malformed >= malformedExpected, $"seed {seed}: {malformed} counted malformed, at least {malformedExpected} expected");
        Assert.True(malformedExpected > 100, $"seed {seed}: the run produced too few malformed frames to mean anything");
        Assert.Equal(harness.Pool.TotalCount, harness.Pool.AvailableCount);
    }

    [Fact]
    public void AFrameWhoseIngressPortIsUnknownIsCountedNotThrown()
    {
        var harness = TwoTrunks();
        harness.Send(5, new FrameBuilder().Build());
        Assert.Equal(1, harness.Engine.UnknownIngressPortFrames);
        Assert.Equal(harness.Pool.TotalCount, harness.Pool.AvailableCount);
    }
}
