// 802.1Q 11.2.5 in the MAP context: a New heard on a port asks for that port's learned entries in the
// VID to go, and so does each New the MAP passes on to another port (a MAD_Join.request with new);
// plain Joins, other VIDs and Leaves ask for nothing.
using Hairpin.Bridge.Core.Mrp;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Mrp;

public sealed class MvrpNewFlushTests
{
    private static (MvrpLab Lab, MvrpBridge Bridge) ThreePortBridge()
    {
        var lab = new MvrpLab();
        MvrpBridge bridge = lab.AddBridge(3, seed: 1);
        for (int port = 0; port < 3; port++)
        {
            lab.Wire(bridge, port, lab.AddBridge(1, seed: 10 + port), 0);
        }
        lab.RunFor(TimeSpan.FromSeconds(1));
        Assert.Empty(Flushes(bridge));
        return (lab, bridge);
    }

    private static MvrpMessage Message(params VidEvent[] events)
    {
        var message = new MvrpMessage();
        message.Events.AddRange(events);
        return message;
    }

    private static List<VidFlush> Flushes(MvrpBridge bridge)
    {
        var flushes = new List<VidFlush>();
        bridge.TakeFlushes(flushes);
        return flushes;
    }

    [Fact]
    public void ANewHeardOnAPortFlushesThatPortAndEveryPortItIsPassedOnTo()
    {
        (MvrpLab lab, MvrpBridge bridge) = ThreePortBridge();

        bridge.ReceiveMessage(0, Message(new VidEvent(301, MrpAttributeEvent.New)), lab.Now);

        Assert.Equal([new VidFlush(0, 301, Heard: true), new VidFlush(1, 301, Heard: false), new VidFlush(2, 301, Heard: false)], Flushes(bridge));
        Assert.Empty(Flushes(bridge));   // taken once
    }

    [Fact]
    public void ANewForAVidAlreadyRegisteredFlushesAgain()
    {
        (MvrpLab lab, MvrpBridge bridge) = ThreePortBridge();
        bridge.ReceiveMessage(1, Message(new VidEvent(40, MrpAttributeEvent.JoinIn)), lab.Now);
        Assert.Equal([40], bridge.RegisteredOn(1));
        Assert.Empty(Flushes(bridge));

        bridge.ReceiveMessage(1, Message(new VidEvent(40, MrpAttributeEvent.New)), lab.Now);

        Assert.Equal([new VidFlush(1, 40, Heard: true), new VidFlush(0, 40, Heard: false), new VidFlush(2, 40, Heard: false)], Flushes(bridge));
    }

    [Fact]
    public void PlainJoinsLeavesAndLocalDeclarationsFlushNothing()
    {
        (MvrpLab lab, MvrpBridge bridge) = ThreePortBridge();

        bridge.ReceiveMessage(0, Message(new VidEvent(10, MrpAttributeEvent.JoinIn), new VidEvent(11, MrpAttributeEvent.JoinMt)), lab.Now);
        bridge.SetLocalVids([12], lab.Now);
        lab.RunFor(TimeSpan.FromSeconds(1));
        bridge.ReceiveMessage(0, Message(new VidEvent(10, MrpAttributeEvent.Lv)), lab.Now);
        lab.RunFor(TimeSpan.FromSeconds(3));

        Assert.Empty(Flushes(bridge));
        Assert.Equal([11], bridge.RegisteredOn(0));   // the messages did what they say, 10 left
    }

    [Fact]
    public void ANewEventFlushesOnlyItsOwnVid()
    {
        (MvrpLab lab, MvrpBridge bridge) = ThreePortBridge();

        bridge.ReceiveMessage(2, Message(new VidEvent(20, MrpAttributeEvent.JoinIn), new VidEvent(21, MrpAttributeEvent.New), new VidEvent(22, MrpAttributeEvent.In)), lab.Now);

        Assert.All(Flushes(bridge), flush => Assert.Equal(21, flush.Vid));
    }

    [Fact]
    public void ANewHeardByAForbiddenRegistrarFlushesNothing()
    {
        var lab = new MvrpLab();
        MvrpBridge bridge = lab.AddBridge(2, seed: 1, RegistrarMode.Forbidden);
        lab.Wire(bridge, 0, lab.AddBridge(1, seed: 2), 0);
        lab.Wire(bridge, 1, lab.AddBridge(1, seed: 3), 0);
        lab.RunFor(TimeSpan.FromSeconds(1));

        bridge.ReceiveMessage(0, Message(new VidEvent(30, MrpAttributeEvent.New)), lab.Now);

        Assert.Empty(Flushes(bridge));   // no registration, so no MAD_Join.indication (802.1Q 10.7.8: Forbidden)
        Assert.Empty(bridge.RegisteredOn(0));
    }
}
