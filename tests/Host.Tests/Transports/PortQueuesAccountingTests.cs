// Each way a frame can cross a port, or be lost on the way, is counted once in the port's
// LinkCounters (specs/transports.md, "Accounting"): received, dropped for us by the kernel, too big,
// queue full; sent, link down, queue full, refused; and the link's ups and downs.
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Transports;

public sealed class PortQueuesAccountingTests : IDisposable
{
    private readonly ManualResetEventSlim _wake = new();
    private readonly PortQueues _queues;

    public PortQueuesAccountingTests() => _queues = new PortQueues("p1", slots: 4, slotSize: 128, _wake);

    public void Dispose()
    {
        _queues.Dispose();
        _wake.Dispose();
    }

    private static byte[] Frame(int size = 64) => new byte[size];

    private LinkCounters Counters => _queues.Counters;

    [Fact]
    public void AFrameReceivedIsCountedWithItsBytesQueuedAndWakesTheLoop()
    {
        Assert.True(_queues.Receive(Frame(100)));
        Assert.Equal((1, 100), (Counters.RxFrames, Counters.RxBytes));
        Assert.Equal(1, _queues.Inbound.Count);
        Assert.True(_wake.IsSet);
        Assert.Equal(0, Counters.RxDroppedTotal);
    }

    [Fact]
    public void AFrameLargerThanASlotIsReceivedAndCountedTooBig()
    {
        Assert.False(_queues.Receive(Frame(129)));
        Assert.Equal(1, Counters.RxFrames);
        Assert.Equal(1, Counters.Dropped(LinkDropReason.RxTooBig));
        Assert.True(_queues.Inbound.IsEmpty);
    }

    [Fact]
    public void AFrameTheDeviceCouldNotReadWholeIsReceivedAndCountedTooBig()
    {
        _queues.ReceivedTooBig(70_000);
        Assert.Equal((1, 70_000), (Counters.RxFrames, Counters.RxBytes));
        Assert.Equal(1, Counters.Dropped(LinkDropReason.RxTooBig));
    }

    [Fact]
    public void AFrameForAFullInboundIsReceivedAndCountedQueueFull()
    {
        for (int i = 0; i < 4; i++)
        {
            Assert.True(_queues.Receive(Frame()));
        }
        Assert.False(_queues.Receive(Frame()));
        Assert.Equal(5, Counters.RxFrames);
        Assert.Equal(1, Counters.Dropped(LinkDropReason.RxQueueFull));
    }

    [Fact]
    public void FramesTheKernelDroppedForUsAreReceivedAndCountedAsSocketDrops()
    {
        _queues.CountSocketDrops(26_007);
        Assert.Equal(26_007, Counters.RxFrames);
        Assert.Equal(0, Counters.RxBytes);   // their size is not known
        Assert.Equal(26_007, Counters.Dropped(LinkDropReason.RxSocketDrop));
        Assert.Equal(26_007, Counters.RxDroppedTotal);
    }

    [Fact]
    public void AStreamPortQueuesWhileUpAndCountsTxOnlyOnceTheFrameHasLeft()
    {
        _queues.MarkUp();
        Assert.True(_queues.Send(Frame(80)));
        Assert.Equal(0, Counters.TxFrames);   // queued, not sent yet
        Assert.True(_queues.Outbound.TryPeek(out ReadOnlySpan<byte> frame));
        _queues.CountSent(1, frame.Length);
        _queues.Outbound.Release();
        Assert.Equal((1, 80), (Counters.TxFrames, Counters.TxBytes));
        Assert.Equal(0, Counters.TxDroppedTotal);
    }

    [Fact]
    public void AStreamPortThatIsDownCountsLinkDownAndQueuesNothing()
    {
        _queues.MarkDown("peer closed the connection");
        Assert.False(_queues.Send(Frame()));
        Assert.Equal(1, Counters.Dropped(LinkDropReason.TxLinkDown));
        Assert.Equal(0, Counters.TxFrames);
        Assert.True(_queues.Outbound.IsEmpty);
    }

    [Fact]
    public void AStreamPortWithAFullOutboundCountsQueueFullAndIsBackedUp()
    {
        _queues.MarkUp();
        for (int i = 0; i < 4; i++)
        {
            Assert.True(_queues.Send(Frame()));
        }
        Assert.True(_queues.IsBackedUp);
        Assert.False(_queues.Send(Frame()));
        Assert.Equal(1, Counters.Dropped(LinkDropReason.TxQueueFull));
    }

    [Fact]
    public void AFrameLargerThanAStreamPortCarriesIsCountedSendFailed()
    {
        _queues.MarkUp();
        Assert.False(_queues.Send(Frame(129)));
        Assert.Equal(1, Counters.Dropped(LinkDropReason.TxSendFailed));
    }

    [Fact]
    public void FramesQueuedForAPeerThatLeftAreCountedLinkDownWhenDropped()
    {
        _queues.MarkUp();
        _queues.Send(Frame());
        _queues.Send(Frame());
        _queues.MarkDown("peer closed the connection");
        Assert.Equal(2, _queues.DropOutboundLinkDown());
        Assert.Equal(2, Counters.Dropped(LinkDropReason.TxLinkDown));
        _queues.CountLostWithLink(3);   // written to a stream whose flush failed
        Assert.Equal(5, Counters.Dropped(LinkDropReason.TxLinkDown));
    }

    [Fact]
    public void ADevicePortSendsStraightIntoItsDeviceAndCountsWhatItAnswers()
    {
        _queues.SendStraightToDevice();
        Assert.False(_queues.Send(Frame()));   // no device yet: a missing interface
        Assert.Equal(1, Counters.Dropped(LinkDropReason.TxLinkDown));
        Assert.Equal(0, Counters.TxFrames);

        using var device = new FakeFrameDevice();
        _queues.AttachDevice(device);
        Assert.True(_queues.IsUp);
        Assert.True(_queues.Send(Frame(90)));
        Assert.Equal((1, 90), (Counters.TxFrames, Counters.TxBytes));
        Assert.Single(device.Taken);

        device.Answer = FrameDevice.Sent.Refused;   // over the MTU, device queue full
        Assert.False(_queues.Send(Frame()));
        Assert.Equal(1, Counters.Dropped(LinkDropReason.TxSendFailed));

        device.Answer = FrameDevice.Sent.Gone;
        Assert.False(_queues.Send(Frame()));
        Assert.Equal(2, Counters.Dropped(LinkDropReason.TxLinkDown));

        _queues.DetachDevice("i1 went down or was removed", stopping: false);
        Assert.False(_queues.Send(Frame()));
        Assert.Equal(3, Counters.Dropped(LinkDropReason.TxLinkDown));
        Assert.Equal(1, Counters.TxFrames);
        Assert.True(_queues.Outbound.IsEmpty);   // a device port never queues
        Assert.False(_queues.IsBackedUp);
    }

    [Fact]
    public void UpsAndDownsAreCountedOnTransitionsOnly()
    {
        _queues.MarkUnavailable("no interface i1");
        _queues.MarkUnavailable("no interface i1");
        Assert.Equal((0, 0), (Counters.LinkUps, Counters.LinkDowns));
        _queues.MarkUp();
        _queues.MarkUp();
        _queues.MarkDown("i1 went down or was removed");
        _queues.MarkDown("no interface i1");
        _queues.MarkUp();
        Assert.Equal((2, 1), (Counters.LinkUps, Counters.LinkDowns));
        _queues.MarkStopped();
        Assert.Equal((2, 2), (Counters.LinkUps, Counters.LinkDowns));
        Assert.Equal("stopped", _queues.DownReason);
    }
}
