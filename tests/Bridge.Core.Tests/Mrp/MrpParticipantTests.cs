// One MVRP participant on a manual clock: the join timer, periodic transmission, the LeaveAll timer and
// its jitter, leave timers, the dynamic VID limit and the Fixed and Forbidden registrars.
using Hairpin.Bridge.Core.Mrp;

namespace Hairpin.Bridge.Core.Tests.Mrp;

public sealed class MrpParticipantTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private static readonly MrpTimers Quiet = MrpTimers.Default with { LeaveAll = TimeSpan.Zero, Periodic = TimeSpan.Zero };

    private static MrpParticipant Started(MrpTimers? timers = null, RegistrarMode mode = RegistrarMode.Normal, int limit = MrpParticipant.MaxVid, int seed = 7)
    {
        var participant = new MrpParticipant(timers ?? MrpTimers.Default, mode, limit, new Random(seed));
        participant.Begin(TimeSpan.Zero);
        return participant;
    }

    private static List<MvrpMessage> Tick(MrpParticipant participant, TimeSpan now, List<MrpIndication>? indications = null)
    {
        var messages = new List<MvrpMessage>();
        participant.Tick(now, messages, indications ?? []);
        return messages;
    }

    private static MvrpMessage Message(bool leaveAll, params (int Vid, MrpAttributeEvent Event)[] events)
    {
        var message = new MvrpMessage { LeaveAll = leaveAll };
        foreach ((int vid, MrpAttributeEvent attributeEvent) in events)
        {
            message.Events.Add(new VidEvent((ushort)vid, attributeEvent));
        }
        return message;
    }

    private static List<MrpIndication> Receive(MrpParticipant participant, TimeSpan now, MvrpMessage message)
    {
        var indications = new List<MrpIndication>();
        participant.ReceiveMessage(message, now, indications);
        return indications;
    }

    [Fact]
    public void JoinRequestIsSentWithinJoinTimeThenOnceMoreAndThenNothing()
    {
        MrpParticipant participant = Started(Quiet);
        TimeSpan requested = 50 * Ms;
        participant.Join(10, isNew: false, requested);

        Assert.True(participant.NextTransmit <= requested + Quiet.Join);
        List<MvrpMessage> first = Tick(participant, participant.NextDeadline);
        Assert.Equal([new VidEvent(10, MrpAttributeEvent.JoinMt)], Assert.Single(first).Events);
        Assert.Equal(ApplicantState.AA, participant.ApplicantOf(10));

        TimeSpan second = participant.NextDeadline;
        Assert.Equal(requested + Quiet.Join, second);   // one opportunity per JoinTime on a point-to-point link
        Assert.Equal([new VidEvent(10, MrpAttributeEvent.JoinMt)], Assert.Single(Tick(participant, second)).Events);
        Assert.Equal(ApplicantState.QA, participant.ApplicantOf(10));

        Assert.Null(participant.NextTransmit);
        Assert.Equal(TimeSpan.MaxValue, participant.NextDeadline);
        Assert.Empty(Tick(participant, TimeSpan.FromSeconds(30)));
        Assert.Equal(2, participant.Counters.MessagesSent);
        Assert.Equal(2, participant.Counters.EventsSent[(int)MrpAttributeEvent.JoinMt]);
    }

    [Fact]
    public void SharedMediaDrawsTheTransmitOpportunityWithinJoinTime()
    {
        var participant = new MrpParticipant(Quiet, RegistrarMode.Normal, MrpParticipant.MaxVid, new Random(3)) { PointToPoint = false };
        participant.Begin(TimeSpan.Zero);
        var draws = new HashSet<TimeSpan>();
        TimeSpan now = TimeSpan.FromSeconds(1);
        for (int round = 0; round < 20; round++, now += TimeSpan.FromSeconds(1))
        {
            participant.Join(100 + round, isNew: false, now);
            TimeSpan due = participant.NextTransmit!.Value;
            Assert.InRange(due, now, now + Quiet.Join - TimeSpan.FromTicks(1));
            draws.Add(due - now);
            Tick(participant, due);
            Tick(participant, participant.NextDeadline);   // the second Join
        }
        Assert.True(draws.Count > 1, "the join timer is randomised on shared media");
    }

    [Fact]
    public void ManyRequestsAtOnceShareOneMessageWithVidsIncreasing()
    {
        MrpParticipant participant = Started(Quiet);
        foreach (int vid in new[] { 300, 5, 42, 4094, 1 })
        {
            participant.Join(vid, isNew: vid == 42, TimeSpan.Zero);
        }
        MvrpMessage message = Assert.Single(Tick(participant, TimeSpan.Zero));
        Assert.Equal(new ushort[] { 1, 5, 42, 300, 4094 }, message.Events.Select(e => e.Vid));
        Assert.Equal(MrpAttributeEvent.New, message.Events[2].Event);
        Assert.Equal([1, 5, 42, 300, 4094], participant.DeclaredVids);
    }

    [Fact]
    public void PeriodicTransmissionRepeatsTheDeclarationsEveryPeriodAndNothingElseIsSent()
    {
        MrpTimers timers = MrpTimers.Default with { LeaveAll = TimeSpan.Zero };
        MrpParticipant participant = Started(timers);
        participant.Join(7, isNew: false, TimeSpan.Zero);
        Tick(participant, TimeSpan.Zero);
        Tick(participant, timers.Join);

        var sentAt = new List<TimeSpan>();
        for (int step = 0; step < 100; step++)
        {
            TimeSpan next = participant.NextDeadline;
            if (next > TimeSpan.FromSeconds(5.5))
            {
                break;
            }
            foreach (MvrpMessage message in Tick(participant, next))
            {
                Assert.Equal([new VidEvent(7, MrpAttributeEvent.JoinMt)], message.Events);
                sentAt.Add(next);
            }
        }
        // periodic! at 1, 2, 3, 4, 5 s moves QA to AA: one Join each, sent at once.
        Assert.Equal([1, 2, 3, 4, 5], sentAt.Select(t => t.TotalSeconds));
    }

    [Fact]
    public void WithoutPeriodicNothingIsSentWhileNothingChanges()
    {
        MrpParticipant participant = Started(Quiet);
        participant.Join(7, isNew: false, TimeSpan.Zero);
        Tick(participant, TimeSpan.Zero);
        Tick(participant, Quiet.Join);
        for (TimeSpan now = Quiet.Join; now < TimeSpan.FromSeconds(60); now += 100 * Ms)
        {
            Assert.Empty(Tick(participant, now));
        }
        Assert.Equal(TimeSpan.MaxValue, participant.NextDeadline);
    }

    [Fact]
    public void LeaveAllPeriodIsDrawnBetweenLeaveAllTimeAndOneAndAHalfTimesIt()
    {
        var periods = new HashSet<TimeSpan>();
        for (int seed = 0; seed < 200; seed++)
        {
            TimeSpan start = TimeSpan.FromSeconds(seed);
            var participant = new MrpParticipant(MrpTimers.Default, RegistrarMode.Normal, MrpParticipant.MaxVid, new Random(seed));
            participant.Begin(start);
            TimeSpan period = participant.NextLeaveAll!.Value - start;
            Assert.InRange(period, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15) - TimeSpan.FromTicks(1));
            periods.Add(period);

            var again = new MrpParticipant(MrpTimers.Default, RegistrarMode.Normal, MrpParticipant.MaxVid, new Random(seed));
            again.Begin(start);
            Assert.Equal(participant.NextLeaveAll, again.NextLeaveAll);   // the seeded Random decides
        }
        Assert.True(periods.Count > 150, "the LeaveAll period is jittered");
    }

    [Fact]
    public void LeaveAllTimerExpirySendsLeaveAllWithTheDeclarationsAndTimesOutOwnRegistrations()
    {
        MrpParticipant participant = Started(MrpTimers.Default with { Periodic = TimeSpan.Zero });
        participant.Join(10, isNew: false, TimeSpan.Zero);
        Tick(participant, TimeSpan.Zero);
        Tick(participant, 200 * Ms);
        Receive(participant, 300 * Ms, Message(false, (20, MrpAttributeEvent.JoinIn)));
        Assert.Equal(RegistrarState.In, participant.RegistrarOf(20));
        Assert.Equal(participant.NextLeaveAll, participant.NextDeadline);   // nothing else is due

        TimeSpan expiry = participant.NextLeaveAll!.Value;
        MvrpMessage leaveAll = Assert.Single(Tick(participant, expiry));
        Assert.True(leaveAll.LeaveAll);
        Assert.Contains(new VidEvent(10, MrpAttributeEvent.JoinMt), leaveAll.Events);   // QA sends its Join with the LeaveAll
        Assert.Equal(RegistrarState.Lv, participant.RegistrarOf(20));                   // txLA! on the own registrar
        Assert.Equal(ApplicantState.LO, participant.ApplicantOf(20));                    // VO, txLA! -> LO
        Assert.Equal(1, participant.Counters.LeaveAllSent);
        Assert.InRange(participant.NextLeaveAll!.Value - expiry, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15));

        // No one re-declares 20: it goes after the leave time, and LO told the neighbour with In/Mt.
        var indications = new List<MrpIndication>();
        MvrpMessage next = Assert.Single(Tick(participant, participant.NextDeadline, indications));
        Assert.Contains(new VidEvent(20, MrpAttributeEvent.Mt), next.Events);
        Tick(participant, expiry + TimeSpan.FromSeconds(1), indications);
        Assert.Equal([new MrpIndication(20, Join: false, IsNew: false)], indications);
    }

    [Fact]
    public void ReceivedLeaveAllRestartsTheTimerAndMakesDeclarationsAnxious()
    {
        MrpParticipant participant = Started(MrpTimers.Default with { Periodic = TimeSpan.Zero });
        participant.Join(10, isNew: false, TimeSpan.Zero);
        Tick(participant, TimeSpan.Zero);
        Tick(participant, 200 * Ms);
        Receive(participant, 300 * Ms, Message(false, (20, MrpAttributeEvent.JoinIn)));
        TimeSpan firstExpiry = participant.NextLeaveAll!.Value;

        TimeSpan heard = TimeSpan.FromSeconds(8);
        Receive(participant, heard, Message(true));

        Assert.InRange(participant.NextLeaveAll!.Value, heard + TimeSpan.FromSeconds(10), heard + TimeSpan.FromSeconds(15));
        Assert.NotEqual(firstExpiry, participant.NextLeaveAll);
        Assert.Equal(ApplicantState.VP, participant.ApplicantOf(10));      // QA, rLA! -> VP
        Assert.Equal(RegistrarState.Lv, participant.RegistrarOf(20));      // IN, rLA! -> LV
        Assert.Equal(ApplicantState.VO, participant.ApplicantOf(30));      // untouched VIDs stay untouched
        Assert.Equal(1, participant.Counters.LeaveAllReceived);
        MvrpMessage redeclared = Assert.Single(Tick(participant, heard));
        Assert.False(redeclared.LeaveAll);
        Assert.Contains(new VidEvent(10, MrpAttributeEvent.JoinMt), redeclared.Events);
    }

    [Fact]
    public void LeaveDeregistersAfterTheLeaveTime()
    {
        MrpParticipant participant = Started(Quiet);
        Assert.Equal([new MrpIndication(20, Join: true, IsNew: false)], Receive(participant, TimeSpan.Zero, Message(false, (20, MrpAttributeEvent.JoinIn))));
        TimeSpan left = TimeSpan.FromSeconds(2);
        Assert.Empty(Receive(participant, left, Message(false, (20, MrpAttributeEvent.Lv))));
        Assert.Equal(RegistrarState.Lv, participant.RegistrarOf(20));
        Assert.True(participant.IsRegistered(20));
        Assert.Equal(TimeSpan.FromMilliseconds(400), participant.LeaveTimerOf(20, left + 600 * Ms));

        var indications = new List<MrpIndication>();
        Tick(participant, left + 999 * Ms, indications);
        Assert.True(participant.IsRegistered(20));
        Assert.Empty(indications);
        Tick(participant, left + Quiet.Leave, indications);
        Assert.Equal([new MrpIndication(20, Join: false, IsNew: false)], indications);
        Assert.Equal(RegistrarState.Mt, participant.RegistrarOf(20));
        Assert.Null(participant.LeaveTimerOf(20, left + Quiet.Leave));
    }

    [Fact]
    public void RedeclaredBeforeTheLeaveTimerExpiresStaysRegistered()
    {
        MrpParticipant participant = Started(Quiet);
        Receive(participant, TimeSpan.Zero, Message(false, (20, MrpAttributeEvent.JoinIn)));
        Receive(participant, TimeSpan.FromSeconds(1), Message(false, (20, MrpAttributeEvent.Lv)));
        Assert.Empty(Receive(participant, TimeSpan.FromSeconds(1.5), Message(false, (20, MrpAttributeEvent.JoinMt))));
        Assert.Null(participant.LeaveTimerOf(20, TimeSpan.FromSeconds(1.5)));

        var indications = new List<MrpIndication>();
        for (TimeSpan now = TimeSpan.FromSeconds(1.5); now < TimeSpan.FromSeconds(5); now += 100 * Ms)
        {
            Tick(participant, now, indications);
        }
        Assert.Empty(indications);
        Assert.Equal(RegistrarState.In, participant.RegistrarOf(20));
    }

    [Fact]
    public void NewRegistersWithANewIndication()
    {
        MrpParticipant participant = Started(Quiet);
        Assert.Equal([new MrpIndication(30, Join: true, IsNew: true)], Receive(participant, TimeSpan.Zero, Message(false, (30, MrpAttributeEvent.New))));
        Assert.Equal([new MrpIndication(30, Join: true, IsNew: true)], Receive(participant, TimeSpan.FromSeconds(1), Message(false, (30, MrpAttributeEvent.New))));
        Assert.Equal(2, participant.Counters.EventsReceived[(int)MrpAttributeEvent.New]);
    }

    [Fact]
    public void DynamicLimitRefusesNewRegistrationsAndCountsThem()
    {
        MrpParticipant participant = Started(Quiet, limit: 2);
        List<MrpIndication> indications = Receive(participant, TimeSpan.Zero,
            Message(false, (1, MrpAttributeEvent.JoinIn), (2, MrpAttributeEvent.JoinMt), (3, MrpAttributeEvent.New)));

        Assert.Equal([1, 2], indications.Select(i => (int)i.Vid));
        Assert.Equal(RegistrarState.Mt, participant.RegistrarOf(3));
        Assert.Equal(1, participant.Counters.RegistrationsRefused);

        // A registration in LV still holds its place; re-declaring it is not refused.
        Receive(participant, TimeSpan.FromSeconds(1), Message(false, (1, MrpAttributeEvent.Lv)));
        Assert.Empty(Receive(participant, TimeSpan.FromSeconds(1.2), Message(false, (3, MrpAttributeEvent.JoinIn), (1, MrpAttributeEvent.JoinIn))));
        Assert.Equal(2, participant.Counters.RegistrationsRefused);
        Assert.Equal(RegistrarState.In, participant.RegistrarOf(1));

        // Once 1 has gone, 3 fits.
        Receive(participant, TimeSpan.FromSeconds(2), Message(false, (1, MrpAttributeEvent.Lv)));
        Tick(participant, TimeSpan.FromSeconds(3));
        Assert.Equal([new MrpIndication(3, Join: true, IsNew: false)], Receive(participant, TimeSpan.FromSeconds(3), Message(false, (3, MrpAttributeEvent.JoinIn))));
        Assert.Equal([2, 3], participant.RegisteredVids);
    }

    [Fact]
    public void FixedRegistrarHoldsItsVidsWhateverIsHeardAndRegistersNothingElse()
    {
        MrpParticipant participant = Started(Quiet, RegistrarMode.Fixed);
        participant.SetFixed([5, 6]);
        var indications = new List<MrpIndication>();
        Tick(participant, TimeSpan.Zero, indications);
        Assert.Equal([new MrpIndication(5, true, false), new MrpIndication(6, true, false)], indications);
        Assert.Equal(RegistrarState.In, participant.RegistrarOf(5));

        Assert.Empty(Receive(participant, TimeSpan.FromSeconds(1), Message(true, (5, MrpAttributeEvent.Lv), (7, MrpAttributeEvent.JoinIn))));
        Tick(participant, TimeSpan.FromSeconds(5), indications);
        Assert.Equal([5, 6], participant.RegisteredVids);
        Assert.Equal(RegistrarState.Mt, participant.RegistrarOf(7));
        Assert.Equal(1, participant.Counters.DeclarationsIgnored);

        // The Applicant still runs, and reports the fixed registration as In.
        participant.Join(5, isNew: false, TimeSpan.FromSeconds(6));
        MvrpMessage message = Assert.Single(Tick(participant, TimeSpan.FromSeconds(6)));
        Assert.Contains(new VidEvent(5, MrpAttributeEvent.JoinIn), message.Events);
        Receive(participant, TimeSpan.FromSeconds(6.1), Message(false, (5, MrpAttributeEvent.JoinIn)));
        Assert.Equal(ApplicantState.QA, participant.ApplicantOf(5));   // AA, rJoinIn! -> QA

        indications.Clear();
        participant.SetFixed([6]);
        Tick(participant, TimeSpan.FromSeconds(7), indications);
        Assert.Equal([new MrpIndication(5, Join: false, IsNew: false)], indications);
    }

    [Fact]
    public void ForbiddenRegistrarRegistersNothingAndCountsWhatItIgnores()
    {
        MrpParticipant participant = Started(Quiet, RegistrarMode.Forbidden);
        participant.SetFixed([5]);
        Assert.Empty(Receive(participant, TimeSpan.Zero, Message(false, (5, MrpAttributeEvent.New), (8, MrpAttributeEvent.JoinIn), (9, MrpAttributeEvent.JoinMt), (10, MrpAttributeEvent.In))));
        var indications = new List<MrpIndication>();
        Tick(participant, TimeSpan.FromSeconds(1), indications);
        Assert.Empty(indications);
        Assert.Empty(participant.RegisteredVids);
        Assert.Equal(3, participant.Counters.DeclarationsIgnored);
        Assert.Equal(RegistrarState.Mt, participant.RegistrarOf(8));
    }

    [Fact]
    public void BeginDropsRegistrationsAndReportsThemAtTheNextTick()
    {
        MrpParticipant participant = Started(Quiet);
        Receive(participant, TimeSpan.Zero, Message(false, (11, MrpAttributeEvent.JoinIn), (12, MrpAttributeEvent.JoinIn)));
        participant.Join(40, isNew: false, TimeSpan.Zero);
        participant.Begin(TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.Zero, participant.NextDeadline);
        var indications = new List<MrpIndication>();
        Assert.Empty(Tick(participant, TimeSpan.FromSeconds(1), indications));
        Assert.Equal([new MrpIndication(11, false, false), new MrpIndication(12, false, false)], indications);
        Assert.Empty(participant.DeclaredVids);
        Assert.Equal(ApplicantState.VO, participant.ApplicantOf(40));
    }

    [Fact]
    public void VidsOutsideOneTo4094AreRefusedByTheRequestsAndSkippedInMessages()
    {
        MrpParticipant participant = Started(Quiet);
        Assert.Throws<ArgumentOutOfRangeException>(() => participant.Join(0, false, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => participant.Leave(4095, TimeSpan.Zero));
        Assert.Empty(Receive(participant, TimeSpan.Zero, Message(false, (0, MrpAttributeEvent.JoinIn), (4095, MrpAttributeEvent.JoinIn))));
        Assert.Equal(0, participant.Counters.EventsReceived.Sum());
        Assert.Equal(1, participant.Counters.MessagesReceived);
    }
}
