// PacketRingDevice (TPACKET_V2 ring) as an afpacket port runs it, read by a forwarding loop of the
// test's own (RunningPort: PortIo copies frames out of the ring, its stage collects them).
// Bursts of every size with pauses of every length between them all arrive, once each and in order
// (the TPACKET_V3 ring this replaces lost the tail of a burst now and then). A deleted veth takes the
// port down; recreated, it comes back and frames flow again. Needs root.
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Transports;

public sealed class PacketRingDeviceTests
{
    [Fact(Timeout = 180_000)]
    public async Task BurstsWithPausesOfEveryLengthReachTheForwardingLoopOnceEachAndInOrder()
    {
        Assert.True(AfPacketTransport.RingsEnabled, "afpacket ports read through rings by default");
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        await using var port = new RunningPort(new AfPacketAttach(veth.RootEnd), slots: 8192);
        await port.UpAsync();
        byte[] source = TestFrames.RandomMac();
        string[] plan = NumberedBursts.Plan(64);
        int count = NumberedBursts.FrameCount(plan);

        await NumberedBursts.SendAsync(ns, veth.PeerEnd, source, plan);

        await Eventually.TrueAsync(() => Numbers(port, source).Length >= count, $"all {count} frames received", TimeSpan.FromSeconds(30));
        await Task.Delay(200);   // a frame read twice would show up now
        Assert.Equal(Enumerable.Range(0, count), Numbers(port, source));
        Assert.Equal(0, port.Queues.Counters.RxDroppedTotal);
    }

    [Fact(Timeout = 180_000)]
    public async Task ADeletedVethTakesThePortDownAndARecreatedOneBringsItBack()
    {
        await using NetNamespace ns = await NetNamespace.CreateQuietAsync();
        await using VethPair veth = await VethPair.CreateAsync(ns);
        await using var port = new RunningPort(new AfPacketAttach(veth.RootEnd), slots: 1024);
        await port.UpAsync();

        await veth.DeleteAsync();
        await port.DownAsync();
        Assert.Equal(1, port.Queues.Counters.LinkDowns);   // the ring's socket reported the interface gone (SO_ERROR)
        Assert.NotNull(port.Queues.DownReason);

        await veth.AddAsync();
        await port.UpAsync(TimeSpan.FromSeconds(20));
        byte[] source = TestFrames.RandomMac();
        string[] plan = NumberedBursts.Plan(9);
        int count = NumberedBursts.FrameCount(plan);
        await NumberedBursts.SendAsync(ns, veth.PeerEnd, source, plan);
        await Eventually.TrueAsync(() => Numbers(port, source).Length >= count, $"all {count} frames through the new ring", TimeSpan.FromSeconds(30));
        Assert.Equal(Enumerable.Range(0, count), Numbers(port, source));
    }

    private static int[] Numbers(RunningPort port, byte[] source) =>
        [.. port.Received.Select(frame => NumberedBursts.NumberOf(frame, source)).OfType<int>()];
}
