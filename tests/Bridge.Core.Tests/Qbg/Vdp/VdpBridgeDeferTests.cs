// A policy that must ask a distant store first defers: the VSI is left unanswered (the other TLVs of
// its VDPDU are answered as usual), the table stays as it was, and the host gets the request back to
// replay once the store has answered.
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Infrastructure.VdpTestKit;

namespace Hairpin.Bridge.Core.Tests.Qbg.Vdp;

public class VdpBridgeDeferTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void ADeferredVerdictIsNeitherAcceptedNorRefused()
    {
        VsiVerdict verdict = VsiVerdict.Defer("claiming");

        Assert.Equal((false, true, VdpError.None, "claiming"), (verdict.Accepted, verdict.Deferred, verdict.Error, verdict.Reason));
        Assert.False(VsiVerdict.AcceptAsRequested.Deferred);
        Assert.False(VsiVerdict.Refuse(VdpError.OtherFailure, "no").Deferred);
    }

    [Fact]
    public void ADeferredRequestIsUnansweredCountedAndHandedBackWithItsManagerAndTlv()
    {
        var bridge = new VdpBridge(new ClaimingPolicy(10));
        VsiTlv asked = Tlv(VdpRequest.Associate, Uuid1, Mac1, 0);

        VdpAnswer answer = bridge.Receive(Payload(asked), 3 * Second);

        Assert.Null(answer.Response);
        Assert.Null(answer.DropReason);
        VsiDecision decision = Assert.Single(answer.Decisions);
        Assert.Equal(VsiDecisionKind.Deferred, decision.Kind);
        Assert.Equal((Uuid1, Manager, VdpRequest.Associate), (decision.Vsi.Id, decision.Vsi.Manager, decision.Vsi.Request));
        Assert.Equal("claiming VSI a1412857-60f7-4ce1-e95a-2164943f53aa in the store", decision.Reason);
        Assert.Equal(VdpError.None, decision.Error);
        VdpMessage request = Assert.IsType<VdpMessage>(decision.Request);
        Assert.Equal(Manager, request.ManagerId);
        AssertSameTlv(asked, Assert.Single(request.Vsis));
        Assert.Empty(bridge.Vsis);
        Assert.Equal((1, 0, 0, 1), (bridge.Counters.Deferred, bridge.Counters.Accepted, bridge.Counters.Refused, bridge.Counters.Received));
    }

    [Fact]
    public void ADeferredTlvIsLeftOutOfItsVdpdusAnswerAndItsReplayAnswersItAlone()
    {
        var policy = new ClaimingPolicy(10);
        policy.Grant(Uuid1);
        var bridge = new VdpBridge(policy);
        VsiTlv first = Tlv(VdpRequest.Associate, Uuid1, Mac1, 0);
        VsiTlv second = Tlv(VdpRequest.Associate, Uuid2, Mac2, 0);

        VdpAnswer answer = bridge.Receive(Payload(first, second), Second);

        VsiTlv answered = Assert.Single(answer.Response!.Vsis);
        Assert.Equal((Uuid1, 0x40), (answered.VsiId, answered.Status.Value));
        Assert.Equal([VsiDecisionKind.Associated, VsiDecisionKind.Deferred], answer.Decisions.Select(d => d.Kind));
        Assert.Null(answer.Decisions[0].Request);
        VdpMessage replay = answer.Decisions[1].Request!;
        AssertSameTlv(second, Assert.Single(replay.Vsis));

        policy.Grant(Uuid2);
        VdpAnswer replayed = bridge.Replay(replay, 2 * Second);

        VsiTlv late = Assert.Single(replayed.Response!.Vsis);
        Assert.Equal(Manager, replayed.Response.ManagerId);
        AssertSameTlv(second with { Status = VdpStatus.Response(VdpError.None), Filters = [VdpFilter.ForMac(Mac2, 10)] }, late);
        VsiDecision decision = Assert.Single(replayed.Decisions);
        Assert.Equal((VsiDecisionKind.Associated, 2 * Second), (decision.Kind, decision.Vsi.AssociatedAt));
        Assert.Equal(2, bridge.Vsis.Count);
        Assert.Equal((1, 1, 2, 1), (bridge.Counters.Received, bridge.Counters.Replayed, bridge.Counters.Accepted, bridge.Counters.Deferred));
    }

    [Fact]
    public void ADeferredChangeLeavesTheVsiAsItWasAndAReplayStillUndecidedDefersAgain()
    {
        var policy = new ClaimingPolicy(10);
        policy.Grant(Uuid1);
        var bridge = new VdpBridge(policy);
        bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), Second);
        Assert.True(bridge.TryGet(Uuid1, out VsiRecord? held));
        policy.Revoke(Uuid1);

        VdpAnswer change = bridge.Receive(Payload(Tlv(VdpRequest.PreAssociate, Uuid1, Mac1, 0)), 2 * Second);
        VdpAnswer again = bridge.Replay(Assert.Single(change.Decisions).Request!, 3 * Second);

        Assert.Null(change.Response);
        Assert.Null(again.Response);
        Assert.Equal(VsiDecisionKind.Deferred, Assert.Single(again.Decisions).Kind);
        Assert.True(bridge.TryGet(Uuid1, out VsiRecord? still));
        Assert.Same(held, still);
        Assert.Equal(2, bridge.Counters.Deferred);
    }
}
