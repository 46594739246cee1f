// MVRP propagation through bridges: what one port registers is declared on the others, local VIDs on
// all, and declarations leave when their reason goes. Stations are one-port bridges declaring their
// local VIDs; everything is wired back to back in an MvrpLab on one manual clock.
using Hairpin.Bridge.Core.Mrp;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Mrp;

public sealed class MvrpBridgeTests
{
    private static readonly TimeSpan Leave = MrpTimers.Default.Leave;
    private static readonly TimeSpan Join = MrpTimers.Default.Join;

    private static (MvrpLab Lab, MvrpBridge Bridge, MvrpBridge[] Stations) ThreePorts()
    {
        var lab = new MvrpLab();
        MvrpBridge bridge = lab.AddBridge(3, seed: 1);
        var stations = new MvrpBridge[3];
        for (int port = 0; port < 3; port++)
        {
            stations[port] = lab.AddBridge(1, seed: 10 + port);
            lab.Wire(bridge, port, stations[port], 0);
        }
        return (lab, bridge, stations);
    }

    [Fact]
    public void RegistrationOnOnePortIsDeclaredOnTheOthersNotBack()
    {
        (MvrpLab lab, MvrpBridge bridge, MvrpBridge[] stations) = ThreePorts();
        stations[0].SetLocalVids([100], lab.Now);
        lab.RunFor(Join);

        Assert.Equal([100], bridge.RegisteredOn(0));
        Assert.False(bridge.Participant(0)!.Declares(100));
        Assert.True(bridge.Participant(1)!.Declares(100));
        Assert.True(bridge.Participant(2)!.Declares(100));
        Assert.Equal([100], stations[1].RegisteredOn(0));
        Assert.Equal([100], stations[2].RegisteredOn(0));
        Assert.Empty(stations[0].RegisteredOn(0));
        Assert.Empty(bridge.RegisteredOn(1));
        Assert.True(bridge.TakeMembershipChange());
        Assert.False(bridge.TakeMembershipChange());
    }

    [Fact]
    public void LocalVidsAreDeclaredOnEveryPortAndLeftWhenWithdrawn()
    {
        (MvrpLab lab, MvrpBridge bridge, MvrpBridge[] stations) = ThreePorts();
        bridge.SetLocalVids([5, 6], lab.Now);
        lab.RunFor(Join);
        foreach (MvrpBridge station in stations)
        {
            Assert.Equal([5, 6], station.RegisteredOn(0));
        }
        Assert.False(bridge.TakeMembershipChange());   // nothing registered on the bridge itself

        // Port 1's station needs 6 too: withdrawing 6 locally still leaves it declared on 0 and 2.
        stations[1].SetLocalVids([6], lab.Now);
        lab.RunFor(Join);
        TimeSpan withdrawn = lab.Now;
        bridge.SetLocalVids([5], withdrawn);
        lab.RunFor(Leave + Join);

        Assert.Equal([5, 6], stations[0].RegisteredOn(0));
        Assert.Equal([5], stations[1].RegisteredOn(0));
        Assert.Equal([5, 6], stations[2].RegisteredOn(0));
        Assert.False(bridge.Participant(1)!.Declares(6));
        Assert.True(bridge.Participant(0)!.Declares(6));
    }

    [Fact]
    public void WhenTheRegistrationGoesThePropagatedDeclarationsLeave()
    {
        (MvrpLab lab, MvrpBridge bridge, MvrpBridge[] stations) = ThreePorts();
        stations[0].SetLocalVids([100], lab.Now);
        lab.RunFor(TimeSpan.FromSeconds(5));
        bridge.TakeMembershipChange();

        TimeSpan withdrawn = lab.Now;
        stations[0].SetLocalVids([], withdrawn);
        lab.RunFor(Leave - TimeSpan.FromMilliseconds(1));
        Assert.Equal([100], bridge.RegisteredOn(0));   // the bridge's registrar holds it for the leave time
        lab.RunFor(Leave + 2 * Join);

        Assert.Empty(bridge.RegisteredOn(0));
        Assert.True(bridge.TakeMembershipChange());
        Assert.False(bridge.Participant(1)!.Declares(100));
        Assert.False(bridge.Participant(2)!.Declares(100));
        Assert.Empty(stations[1].RegisteredOn(0));
        Assert.Empty(stations[2].RegisteredOn(0));
    }

    [Fact]
    public void RegistrationLearnedFromNewIsPropagatedAsNew()
    {
        (MvrpLab lab, MvrpBridge bridge, MvrpBridge[] stations) = ThreePorts();
        lab.RunFor(TimeSpan.FromSeconds(1));
        var message = new MvrpMessage();
        message.Events.Add(new VidEvent(301, MrpAttributeEvent.New));
        bridge.ReceiveMessage(0, message, lab.Now);

        Assert.Equal(ApplicantState.VN, bridge.Participant(1)!.ApplicantOf(301));
        Assert.Equal(ApplicantState.VN, bridge.Participant(2)!.ApplicantOf(301));
        Assert.Equal(ApplicantState.VO, bridge.Participant(0)!.ApplicantOf(301));
        lab.RunFor(Join);
        Assert.Contains(301, stations[1].RegisteredOn(0));
        Assert.True(stations[1].Participant(0)!.Counters.EventsReceived[(int)MrpAttributeEvent.New] > 0, "the far station heard New");
    }

    [Fact]
    public void LinkUpRedeclaresWhatThePortShould()
    {
        (MvrpLab lab, MvrpBridge bridge, MvrpBridge[] stations) = ThreePorts();
        bridge.SetLocalVids([7], lab.Now);
        stations[0].SetLocalVids([8], lab.Now);
        lab.RunFor(TimeSpan.FromSeconds(2));

        bridge.LinkUp(2, lab.Now);
        Assert.Equal([7, 8], bridge.Participant(2)!.DeclaredVids);
        lab.RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal([7, 8], stations[2].RegisteredOn(0));
    }

    [Fact]
    public void LinkDownDropsThePortsRegistrationsAtOnceAndSilencesIt()
    {
        (MvrpLab lab, MvrpBridge bridge, MvrpBridge[] stations) = ThreePorts();
        stations[0].SetLocalVids([100], lab.Now);
        bridge.SetLocalVids([9], lab.Now);
        lab.RunFor(TimeSpan.FromSeconds(2));
        int heardBefore = (int)stations[0].Participant(0)!.Counters.MessagesReceived;

        bridge.LinkDown(0, lab.Now);
        lab.RunFor(Join);
        Assert.Empty(bridge.RegisteredOn(0));                  // no leave time: the neighbour is gone
        Assert.False(bridge.Participant(1)!.Declares(100));
        lab.RunFor(Leave + 2 * Join);
        Assert.Equal([9], stations[1].RegisteredOn(0));        // 100 left; the bridge's own VID stays
        lab.RunFor(TimeSpan.FromSeconds(20));
        Assert.Equal(heardBefore, stations[0].Participant(0)!.Counters.MessagesReceived);   // nothing left the down port
        Assert.Empty(bridge.RegisteredOn(0));                  // and nothing it heard registered

        bridge.LinkUp(0, lab.Now);
        lab.RunFor(TimeSpan.FromSeconds(1) + Join);            // the station's periodic Join re-registers it
        Assert.Equal([100], bridge.RegisteredOn(0));
    }

    [Fact]
    public void FixedPortRegistrationsArePropagatedLikeLearnedOnes()
    {
        var lab = new MvrpLab();
        var bridge = new MvrpBridge(2);
        var fixedPort = new MrpParticipant(MrpTimers.Default, RegistrarMode.Fixed, MrpParticipant.MaxVid, new Random(1));
        fixedPort.SetFixed([50, 51]);
        bridge.AddPort(0, fixedPort);
        bridge.AddPort(1, new MrpParticipant(MrpTimers.Default, RegistrarMode.Normal, MrpParticipant.MaxVid, new Random(2)));
        bridge.LinkUp(0, lab.Now);
        bridge.LinkUp(1, lab.Now);
        lab.Bridges.Add(bridge);
        MvrpBridge station = lab.AddBridge(1, seed: 3);
        lab.Wire(bridge, 1, station, 0);

        lab.RunFor(Join);
        Assert.Equal([50, 51], bridge.RegisteredOn(0));
        Assert.Equal([50, 51], station.RegisteredOn(0));
    }

    [Fact]
    public void ChainOfAccessAggregationAndCoreLearnsAndForgetsAVid()
    {
        var lab = new MvrpLab();
        MvrpBridge access = lab.AddBridge(2, seed: 1);
        MvrpBridge aggregation = lab.AddBridge(2, seed: 2);
        MvrpBridge core = lab.AddBridge(2, seed: 3);
        lab.Wire(access, 1, aggregation, 0);
        lab.Wire(aggregation, 1, core, 0);
        lab.RunFor(TimeSpan.FromSeconds(3));

        TimeSpan needed = lab.Now;
        access.SetLocalVids([42], needed);
        lab.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal([42], aggregation.RegisteredOn(0));
        Assert.Equal([42], core.RegisteredOn(0));
        Assert.True(core.Participant(1)!.Declares(42));   // and onwards from the core's other port

        lab.RunFor(TimeSpan.FromSeconds(30));   // LeaveAlls and periodic transmissions change nothing
        Assert.Equal([42], core.RegisteredOn(0));

        TimeSpan withdrawn = lab.Now;
        access.SetLocalVids([], withdrawn);
        lab.RunFor(Leave - TimeSpan.FromMilliseconds(1));
        Assert.Equal([42], aggregation.RegisteredOn(0));
        lab.RunFor(Leave + 2 * Join);
        Assert.Empty(aggregation.RegisteredOn(0));
        lab.RunFor(Leave + 2 * Join);   // the core hears the aggregation's Leave only once that one has gone
        Assert.Empty(core.RegisteredOn(0));
        Assert.Empty(core.Participant(1)!.DeclaredVids);
    }
}
