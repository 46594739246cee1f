// How a port follows its interface's carrier, without a socket: the watcher hands each link message
// to the followings of its index (and to no one once they are disposed), skips what is malformed and
// goes on; PortQueues goes down without carrier, keeping its device, and up again with it, counted
// and logged once, as an outage of any other kind.
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;
using static Hairpin.Host.Tests.Infrastructure.RtnetlinkBytes;

namespace Hairpin.Host.Tests.Transports;

public sealed class CarrierFollowingTests
{
    private static byte[] NoCarrier(int index) => Link(index, IffUp | IffBroadcast, attributes: [OperState(OperLowerLayerDown)]);

    private static byte[] WithCarrier(int index) => Link(index, IffUp | IffBroadcast | IffLowerUp, attributes: [OperState(OperUp)]);

    [Fact]
    public void TheWatcherTellsEachFollowingOfItsOwnIndexAndNoOneOnceDisposed()
    {
        CarrierWatcher watcher = CarrierWatcher.WithoutSocket("test");
        var heard7 = new List<bool>();
        var heard8 = new List<bool>();
        CarrierFollowing seven = watcher.Follow(7, heard7.Add);
        using CarrierFollowing eight = watcher.Follow(8, heard8.Add);
        Assert.True(seven.Answered.IsCompleted);   // no socket: no answer will come, carrier is assumed

        watcher.Dispatch(Datagram(NoCarrier(7), WithCarrier(8)));
        watcher.Dispatch(WithCarrier(7));
        seven.Dispose();
        watcher.Dispatch(NoCarrier(7));

        Assert.Equal([false, true], heard7);
        Assert.Equal([true], heard8);
    }

    [Fact]
    public void AdminDownAndDeletionAreLeftToThePortsSocket()
    {
        CarrierWatcher watcher = CarrierWatcher.WithoutSocket("test");
        var heard = new List<bool>();
        using CarrierFollowing following = watcher.Follow(4, heard.Add);

        watcher.Dispatch(Datagram(Link(4, IffBroadcast, attributes: [OperState(OperDown)]), Link(4, IffUp | IffLowerUp, type: DelLink)));

        Assert.Empty(heard);
    }

    [Fact]
    public void AMalformedMessageIsCountedAndTheNextDatagramIsStillHeard()
    {
        CarrierWatcher watcher = CarrierWatcher.WithoutSocket("test");
        var heard = new List<bool>();
        using CarrierFollowing following = watcher.Follow(5, heard.Add);
        byte[] lying = NoCarrier(5);
        lying[0] = 255;

        watcher.Dispatch(lying);
        watcher.Dispatch(Message(NewLink, 0, new byte[3]));
        watcher.Dispatch(NoCarrier(5));

        Assert.Equal(2, watcher.MalformedMessages);
        Assert.Equal([false], heard);
    }

    [Fact]
    public void APortLosingCarrierGoesDownKeepsItsDeviceAndComesBackLoggedOnceEach()
    {
        using var log = new CapturingLogger();
        using var queues = new PortQueues("hv1", 4, 128, () => { }, new LinkEventLog(log.Factory.CreateLogger("hairpin.link"), "hv1", new AfPacketAttach("veth-hv1")));
        var device = new FakeFrameDevice();
        queues.SendStraightToDevice();
        queues.AttachDevice(device);

        queues.SetCarrier(false);
        queues.SetCarrier(false);   // told again (a resync): nothing new

        Assert.False(queues.IsUp);
        Assert.True(queues.CarrierLost);
        Assert.Equal(PortQueues.NoCarrier, queues.DownReason);
        Assert.False(queues.Send(new byte[64]));
        Assert.Empty(device.Taken);   // the device stays attached, but nothing is sent into it
        Assert.Equal(1, queues.Counters.Dropped(LinkDropReason.TxLinkDown));

        queues.SetCarrier(true);

        Assert.True(queues.IsUp);
        Assert.True(queues.Send(new byte[64]));
        Assert.Single(device.Taken);
        Assert.Equal((2, 1), (queues.Counters.LinkUps, queues.Counters.LinkDowns));
        Assert.Equal([LogLevel.Information, LogLevel.Warning, LogLevel.Information], log.Lines.Select(line => line.Level));
        Assert.Equal("no carrier", log.Lines[1]["Reason"]);
    }

    [Fact]
    public void ADeviceWhoseInterfaceHasNoCarrierWhenItOpensStartsDownWithOneWarning()
    {
        using var log = new CapturingLogger();
        using var queues = new PortQueues("hv1", 4, 128, () => { }, new LinkEventLog(log.Factory.CreateLogger("hairpin.link"), "hv1", new AfPacketAttach("veth-hv1")));
        queues.SendStraightToDevice();

        queues.SetCarrier(false);   // the answer to the first question, before the device is attached
        queues.AttachDevice(new FakeFrameDevice());

        Assert.False(queues.IsUp);
        Assert.Equal(PortQueues.NoCarrier, queues.DownReason);
        Assert.Equal((0, 0), (queues.Counters.LinkUps, queues.Counters.LinkDowns));
        CapturedLine warning = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Warning, warning.Level);

        queues.DetachDevice("veth-hv1 went down or was removed", stopping: false);
        Assert.False(queues.CarrierLost);   // the next device's interface is asked afresh
        queues.AttachDevice(new FakeFrameDevice());
        Assert.True(queues.IsUp);
    }

    [Fact]
    public void CarrierReportedWhileNoDeviceIsAttachedDoesNotBringThePortUp()
    {
        using var queues = new PortQueues("hv1", 4, 128, () => { });

        queues.SetCarrier(true);

        Assert.False(queues.IsUp);
        Assert.Equal("not started", queues.DownReason);
    }
}
