// VdpBridge on one port: the answers lldpad requires (checked against lldpad's own bridge in the
// capture), each refusal with its status, keep-alives and their expiry on a manual clock.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Infrastructure.VdpTestKit;

namespace Hairpin.Bridge.Core.Tests.Qbg.Vdp;

public class VdpBridgeTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void AnswersToTheCapturedRequestsEchoWhatLldpadsBridgeEchoedByteForByte()
    {
        var bridge = new VdpBridge(new FixedVlanPolicy(50));
        bridge.SetKeepAliveWindow(TimeSpan.FromHours(1));
        var seen = new HashSet<ushort>();
        int compared = 0;
        foreach (ReferenceVdp.Pdu request in ReferenceVdp.StationRequests)
        {
            if (!seen.Add(request.Sequence))
            {
                continue;   // an ECP retransmission: ECP delivers it once
            }
            VdpMessage asked = Parse(request.Payload);
            VdpAnswer answer = bridge.Receive(request.Payload, request.Frame * Second);
            VdpMessage mine = Assert.IsType<VdpMessage>(answer.Response);
            ReferenceVdp.Pdu theirs = ReferenceVdp.BridgeRequests.First(p => p.Frame > request.Frame && IsAnswerTo(Parse(p.Payload), asked));

            // lldpad's bridge echoed VID 0 where the station left it to the bridge; this one assigns the policy's VLAN.
            VsiTlv answered = Assert.Single(mine.Vsis);
            VsiTlv requested = Assert.Single(asked.Vsis);
            Assert.All(answered.Filters.Zip(requested.Filters), pair => Assert.Equal(pair.Second.Vid == 0 ? 50 : pair.Second.Vid, pair.First.Vid));
            VdpMessage withRequestedVids = mine with { Vsis = [answered with { Filters = requested.Filters }] };
            Assert.Equal(Convert.ToHexString(theirs.Payload) + "0000", Convert.ToHexString(VdpCodec.Encode(withRequestedVids)));
            compared++;
        }
        Assert.Equal(14, compared);
        Assert.Equal(0, bridge.Counters.Refused);
    }

    private static bool IsAnswerTo(VdpMessage candidate, VdpMessage request) =>
        candidate.ManagerId == request.ManagerId && candidate.Vsis[0].Status.IsResponse
        && candidate.Vsis[0].VsiId == request.Vsis[0].VsiId && candidate.Vsis[0].Type == request.Vsis[0].Type;

    [Fact]
    public void AssociateWithVidZeroIsAnsweredWithThePolicyVidAndDecided()
    {
        var bridge = new VdpBridge(TypeTable());

        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), 5 * Second);

        VsiTlv tlv = Assert.Single(answer.Response!.Vsis);
        Assert.Equal(Manager, answer.Response.ManagerId);
        Assert.Equal(0x40, tlv.Status.Value);
        Assert.Equal(VdpRequest.Associate, tlv.Type);
        Assert.Equal(10, Assert.Single(tlv.Filters).Vid);
        VsiDecision decision = Assert.Single(answer.Decisions);
        Assert.Equal(VsiDecisionKind.Associated, decision.Kind);
        Assert.Equal(VsiState.Associated, decision.Vsi.State);
        Assert.Equal("a1412857-60f7-4ce1-e95a-2164943f53aa", decision.Vsi.IdText);
        Assert.Equal(5 * Second, decision.Vsi.AssociatedAt);
        Assert.Equal([new VsiBinding("a1412857-60f7-4ce1-e95a-2164943f53aa", Mac1, 10)], bridge.Bindings);
    }

    [Fact]
    public void RepeatedAssociateIsAKeepAliveAnsweredAlikeWithoutDecisionOrPolicy()
    {
        var policy = new FixedVlanPolicy(10);
        var bridge = new VdpBridge(policy);
        bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), TimeSpan.Zero);

        VdpAnswer withVid = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 10)), 10 * Second);
        VdpAnswer stillZero = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), 20 * Second);

        Assert.Empty(withVid.Decisions);
        Assert.Empty(stillZero.Decisions);
        Assert.Equal(10, Assert.Single(Assert.Single(stillZero.Response!.Vsis).Filters).Vid);
        Assert.Single(policy.Asked);
        Assert.Equal(2, bridge.Counters.KeepAlives);
        Assert.True(bridge.TryGet(Uuid1, out VsiRecord? vsi));
        Assert.Equal(20 * Second, vsi.LastKeepAlive);
        Assert.Equal(TimeSpan.Zero, vsi.AssociatedAt);
    }

    [Fact]
    public void UnknownVsiTypeIsRefusedWithThePolicysStatusAndReason()
    {
        var bridge = new VdpBridge(TypeTable());

        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0, typeId: 43)), TimeSpan.Zero);

        Assert.Equal(0x44, Assert.Single(answer.Response!.Vsis).Status.Value);
        VsiDecision decision = Assert.Single(answer.Decisions);
        Assert.Equal(VsiDecisionKind.Refused, decision.Kind);
        Assert.Equal(VdpError.OtherFailure, decision.Error);
        Assert.Contains("43", decision.Reason, StringComparison.Ordinal);
        Assert.Empty(bridge.Vsis);
        Assert.Equal(1, bridge.Counters.Refused);
    }

    [Fact]
    public void SameMacAndVlanOnASecondVsiIsRefusedAsAnInvalidFilter()
    {
        var bridge = new VdpBridge(TypeTable());
        bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), TimeSpan.Zero);

        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid2, Mac1, 0)), Second);

        Assert.Equal(0x45, Assert.Single(answer.Response!.Vsis).Status.Value);
        Assert.Contains(Uuid1.ToString(), Assert.Single(answer.Decisions).Reason, StringComparison.Ordinal);
        Assert.Single(bridge.Vsis);
    }

    [Theory]
    [InlineData("01:00:5e:00:00:01", 10)]   // group MAC
    [InlineData("00:00:00:00:00:00", 10)]
    [InlineData("52:54:00:8e:aa:11", 4095)]
    public void FilterEntriesThePortCannotBindAreRefusedAsInvalidFilter(string mac, int vid)
    {
        var bridge = new VdpBridge(new FixedVlanPolicy(10));

        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, MacAddress.Parse(mac), vid)), TimeSpan.Zero);

        Assert.Equal(0x45, Assert.Single(answer.Response!.Vsis).Status.Value);
        Assert.Empty(bridge.Vsis);
    }

    [Fact]
    public void TheSameMacTwiceInOneRequestIsRefused()
    {
        var bridge = new VdpBridge(new FixedVlanPolicy(10));
        VsiTlv tlv = Tlv(VdpRequest.Associate, Uuid1, Mac1, 0) with { Filters = [VdpFilter.ForMac(Mac1, 0), VdpFilter.ForMac(Mac1, 10)] };

        VdpAnswer answer = bridge.Receive(Payload(tlv), TimeSpan.Zero);

        Assert.Equal(0x45, Assert.Single(answer.Response!.Vsis).Status.Value);
        Assert.Contains("twice", Assert.Single(answer.Decisions).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void VsisBeyondThePortLimitAreRefusedForInsufficientResources()
    {
        var bridge = new VdpBridge(new FixedVlanPolicy(10), maxVsis: 2);
        bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), TimeSpan.Zero);
        bridge.Receive(Payload(Tlv(VdpRequest.PreAssociate, Uuid2, Mac2, 0)), TimeSpan.Zero);

        VdpAnswer third = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid3, Mac3, 0)), TimeSpan.Zero);
        VdpAnswer keepAlive = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 10)), TimeSpan.Zero);

        Assert.Equal(0x42, Assert.Single(third.Response!.Vsis).Status.Value);
        Assert.Equal(0x40, Assert.Single(keepAlive.Response!.Vsis).Status.Value);
        Assert.Equal(2, bridge.Vsis.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void UndefinedVsiIdFormatIsRefusedAsInvalidFormat(byte format)
    {
        var bridge = new VdpBridge(new FixedVlanPolicy(10));
        VsiTlv tlv = Tlv(VdpRequest.Associate, new VsiId((VsiIdFormat)format, 7), Mac1, 0);

        VdpAnswer answer = bridge.Receive(Payload(tlv), TimeSpan.Zero);

        Assert.Equal(0x41, Assert.Single(answer.Response!.Vsis).Status.Value);
        Assert.Equal(VdpError.InvalidFormat, Assert.Single(answer.Decisions).Error);
    }

    [Fact]
    public void AVsiTlvWithoutFilterEntriesIsRefusedAsInvalidFormat()
    {
        var bridge = new VdpBridge(new FixedVlanPolicy(10));

        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0) with { Filters = [] }), TimeSpan.Zero);

        Assert.Equal(0x41, Assert.Single(answer.Response!.Vsis).Status.Value);
    }

    [Fact]
    public void PolicyThatAssignsNoVlanIsRefusedAsInvalidFilter()
    {
        var bridge = new VdpBridge(new FixedVlanPolicy(0));

        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), TimeSpan.Zero);

        Assert.Equal(0x45, Assert.Single(answer.Response!.Vsis).Status.Value);
        Assert.Empty(bridge.Vsis);
    }

    [Fact]
    public void RequestWithoutManagerIdIsDroppedUnansweredAndCounted()
    {
        var bridge = new VdpBridge(new FixedVlanPolicy(10));
        byte[] payload = VdpCodec.Encode(new VdpMessage(null, [Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)]));

        VdpAnswer answer = bridge.Receive(payload, TimeSpan.Zero);

        Assert.Null(answer.Response);
        Assert.Empty(answer.Decisions);
        Assert.NotNull(answer.DropReason);
        Assert.Equal(1, bridge.Counters.MissingManagerId);
        Assert.Empty(bridge.Vsis);
    }

    [Fact]
    public void MalformedPayloadIsDroppedUnansweredAndCounted()
    {
        var bridge = new VdpBridge(new FixedVlanPolicy(10));
        byte[] payload = Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0));

        VdpAnswer answer = bridge.Receive(payload.AsSpan(0, payload.Length - 5), TimeSpan.Zero);

        Assert.Null(answer.Response);
        Assert.Contains("runs past", answer.DropReason, StringComparison.Ordinal);
        Assert.Equal(1, bridge.Counters.Malformed);
        Assert.Equal(1, bridge.Counters.Received);
    }

    [Fact]
    public void TlvsWithTheResponseBitAreIgnoredAsLldpadsBridgeIgnoresThem()
    {
        var bridge = new VdpBridge(new FixedVlanPolicy(10));

        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 10, status: 0x40)), TimeSpan.Zero);

        Assert.Null(answer.Response);
        Assert.Equal(1, bridge.Counters.AnswersIgnored);
        Assert.Empty(bridge.Vsis);
    }

    [Fact]
    public void DeAssociateRemovesAtOnceAndIsAnsweredWithTypeFourAndTheAssignedVid()
    {
        var bridge = new VdpBridge(TypeTable());
        bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), TimeSpan.Zero);

        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.DeAssociate, Uuid1, Mac1, 0)), Second);

        VsiTlv tlv = Assert.Single(answer.Response!.Vsis);
        Assert.Equal(VdpRequest.DeAssociate, tlv.Type);
        Assert.Equal(0x40, tlv.Status.Value);
        Assert.Equal(10, Assert.Single(tlv.Filters).Vid);
        Assert.Equal(VsiDecisionKind.Deassociated, Assert.Single(answer.Decisions).Kind);
        Assert.Empty(bridge.Vsis);
        Assert.Null(bridge.NextDeadline);
    }

    [Fact]
    public void DeAssociateOfAnUnknownVsiIsStillAnsweredOk()
    {
        var bridge = new VdpBridge(TypeTable());

        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.DeAssociate, Uuid2, Mac2, 10)), TimeSpan.Zero);

        Assert.Equal(0x40, Assert.Single(answer.Response!.Vsis).Status.Value);
        Assert.Empty(answer.Decisions);
    }

    [Fact]
    public void PreAssociateThenAssociateMovesThroughBothStates()
    {
        var bridge = new VdpBridge(TypeTable());

        VdpAnswer pre = bridge.Receive(Payload(Tlv(VdpRequest.PreAssociateWithReservation, Uuid1, Mac1, 0)), TimeSpan.Zero);
        Assert.True(bridge.TryGet(Uuid1, out VsiRecord? held));
        Assert.Empty(bridge.Bindings);
        VdpAnswer associate = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 10)), 3 * Second);

        Assert.Equal(VdpRequest.PreAssociateWithReservation, Assert.Single(pre.Response!.Vsis).Type);
        Assert.Equal(VsiDecisionKind.PreAssociated, Assert.Single(pre.Decisions).Kind);
        Assert.Equal(VsiState.PreAssociated, held.State);
        Assert.True(held.ResourcesReserved);
        VsiDecision decision = Assert.Single(associate.Decisions);
        Assert.Equal(VsiDecisionKind.Associated, decision.Kind);
        Assert.Equal(3 * Second, decision.Vsi.AssociatedAt);
        Assert.False(decision.Vsi.ResourcesReserved);
        Assert.Single(bridge.Bindings);
    }

    [Fact]
    public void AssociateWithAnotherMacReEvaluatesTheVsiAsChanged()
    {
        var policy = new FixedVlanPolicy(10);
        var bridge = new VdpBridge(policy);
        bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), TimeSpan.Zero);

        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac2, 0)), 4 * Second);

        VsiDecision decision = Assert.Single(answer.Decisions);
        Assert.Equal(VsiDecisionKind.Changed, decision.Kind);
        Assert.Equal(Mac2, Assert.Single(decision.Vsi.Filters).Mac);
        Assert.Equal(TimeSpan.Zero, decision.Vsi.AssociatedAt);
        Assert.Equal(2, policy.Asked.Count);
    }

    [Fact]
    public void RefusedChangeKeepsTheAssociationAndSaysSoWithTheKeepBit()
    {
        var bridge = new VdpBridge(TypeTable());
        bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), TimeSpan.Zero);

        VdpAnswer answer = bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0, typeId: 43)), Second);

        Assert.Equal(0x64, Assert.Single(answer.Response!.Vsis).Status.Value);
        Assert.Equal(VsiDecisionKind.Refused, Assert.Single(answer.Decisions).Kind);
        Assert.True(bridge.TryGet(Uuid1, out VsiRecord? kept));
        Assert.Equal(42u, kept.TypeId);
    }

    [Fact]
    public void VsiWithoutKeepAlivesExpiresExactlyAtTheEndOfTheWindow()
    {
        var bridge = new VdpBridge(TypeTable());
        bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), 2 * Second);
        TimeSpan window = VdpTimers.KeepAliveWindow(20);

        Assert.Equal(TimeSpan.FromTicks(314_572_800), window);   // 3 x 10 us x 2^20 = 31.457 s
        Assert.Equal(2 * Second + window, bridge.NextDeadline);
        Assert.Empty(bridge.Tick(2 * Second + window - TimeSpan.FromTicks(1)));
        VsiDecision expired = Assert.Single(bridge.Tick(2 * Second + window));
        Assert.Equal(VsiDecisionKind.Expired, expired.Kind);
        Assert.Equal(Uuid1, expired.Vsi.Id);
        Assert.Empty(bridge.Vsis);
        Assert.Equal(1, bridge.Counters.Expired);
    }

    [Fact]
    public void KeepAliveWindowSetFromTheNegotiatedRkaApplies()
    {
        var bridge = new VdpBridge(TypeTable());
        bridge.SetKeepAliveWindow(VdpTimers.KeepAliveWindow(14));   // 3 x 163.84 ms
        bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), TimeSpan.Zero);

        Assert.Empty(bridge.Tick(TimeSpan.FromMilliseconds(491)));
        Assert.Single(bridge.Tick(TimeSpan.FromMilliseconds(492)));
        Assert.Throws<ArgumentOutOfRangeException>(() => bridge.SetKeepAliveWindow(TimeSpan.Zero));
    }

    [Fact]
    public void ClearDeassociatesEveryVsiForTheHost()
    {
        var bridge = new VdpBridge(new FixedVlanPolicy(10));
        bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0), Tlv(VdpRequest.PreAssociate, Uuid2, Mac2, 0)), TimeSpan.Zero);

        IReadOnlyList<VsiDecision> cleared = bridge.Clear();

        Assert.Equal(2, cleared.Count);
        Assert.All(cleared, d => Assert.Equal(VsiDecisionKind.Deassociated, d.Kind));
        Assert.Empty(bridge.Vsis);
    }

    [Fact]
    public void RemovedVsiYieldsADeassociateNoticeWithoutTheResponseBit()
    {
        var bridge = new VdpBridge(TypeTable());
        bridge.Receive(Payload(Tlv(VdpRequest.Associate, Uuid1, Mac1, 0)), TimeSpan.Zero);

        VsiDecision removed = bridge.Remove(Uuid1)!;
        VsiTlv notice = Assert.Single(Parse(VdpBridge.DeassociateNotice(removed.Vsi)).Vsis);

        Assert.Null(bridge.Remove(Uuid1));
        Assert.Equal(VdpRequest.DeAssociate, notice.Type);
        Assert.Equal(0, notice.Status.Value);
        Assert.Equal(10, Assert.Single(notice.Filters).Vid);
    }

    [Fact]
    public void EveryTlvOfAMessageIsAnsweredInOrderUnderOneManagerId()
    {
        var bridge = new VdpBridge(TypeTable());

        VdpAnswer answer = bridge.Receive(Payload(
            Tlv(VdpRequest.Associate, Uuid1, Mac1, 0),
            Tlv(VdpRequest.Associate, Uuid2, Mac2, 0, typeId: 99),
            Tlv(VdpRequest.DeAssociate, Uuid3, Mac3, 7)), TimeSpan.Zero);

        Assert.Equal([0x40, 0x44, 0x40], answer.Response!.Vsis.Select(v => (int)v.Status.Value));
        Assert.Equal([Uuid1, Uuid2, Uuid3], answer.Response.Vsis.Select(v => v.VsiId));
        Assert.Equal([VsiDecisionKind.Associated, VsiDecisionKind.Refused], answer.Decisions.Select(d => d.Kind));
    }
}
