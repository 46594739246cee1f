// Two participants wired back to back through their message lists on one manual clock: what one
// declares the other registers within a join time, keeps through LeaveAlls, and drops after the leave
// time once it is withdrawn.
using Hairpin.Bridge.Core.Mrp;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Mrp;

public sealed class MrpBackToBackTests
{
    private static readonly MrpTimers Timers = MrpTimers.Default;

    [Fact]
    public void DeclaredVidIsRegisteredWithinOneJoinTime()
    {
        var pair = new MrpPair();
        pair.RunFor(TimeSpan.FromSeconds(1));
        TimeSpan declared = pair.Now;
        pair.A.Join(10, isNew: false, declared);

        pair.RunUntil(declared + Timers.Join);

        Assert.True(pair.B.IsRegistered(10));
        (TimeSpan at, MrpIndication indication) = Assert.Single(pair.IndicationsAtB);
        Assert.Equal(new MrpIndication(10, Join: true, IsNew: false), indication);
        Assert.InRange(at, declared, declared + Timers.Join);
        Assert.Empty(pair.IndicationsAtA);
    }

    [Fact]
    public void RegistrationSurvivesAMinuteOfLeaveAllsFromBothSides()
    {
        var pair = new MrpPair();
        pair.A.Join(10, isNew: false, TimeSpan.Zero);
        pair.RunFor(TimeSpan.FromSeconds(60));

        Assert.True(pair.B.IsRegistered(10));
        Assert.Equal([new MrpIndication(10, true, false)], pair.IndicationsAtB.Select(i => i.Indication));
        Assert.True(pair.A.Counters.LeaveAllSent + pair.B.Counters.LeaveAllSent >= 4, "LeaveAlls ran");
        Assert.Equal(pair.A.Counters.LeaveAllSent, pair.B.Counters.LeaveAllReceived);
        // A LeaveAll restarts the hearer's timer, so the two sides take turns rather than both sending every period.
        Assert.True(pair.A.Counters.LeaveAllSent + pair.B.Counters.LeaveAllSent <= 6);
    }

    [Fact]
    public void WithdrawnVidIsDeregisteredAfterTheLeaveTime()
    {
        var pair = new MrpPair();
        pair.A.Join(10, isNew: false, TimeSpan.Zero);
        pair.RunFor(TimeSpan.FromSeconds(3));
        TimeSpan withdrawn = pair.Now;
        pair.A.Leave(10, withdrawn);

        pair.RunUntil(withdrawn + Timers.Leave - TimeSpan.FromMilliseconds(1));
        Assert.True(pair.B.IsRegistered(10), "still registered while the leave timer runs");
        pair.RunUntil(withdrawn + Timers.Leave + Timers.Join);

        Assert.False(pair.B.IsRegistered(10));
        (TimeSpan at, MrpIndication indication) = pair.IndicationsAtB[^1];
        Assert.Equal(new MrpIndication(10, Join: false, IsNew: false), indication);
        Assert.InRange(at, withdrawn + Timers.Leave, withdrawn + Timers.Leave + Timers.Join);
        Assert.False(pair.A.Declares(10));
    }

    [Fact]
    public void EveryVidDeclaredIsRegistered()
    {
        var pair = new MrpPair();
        for (int vid = MrpParticipant.MinVid; vid <= MrpParticipant.MaxVid; vid++)
        {
            pair.A.Join(vid, isNew: false, TimeSpan.Zero);
        }
        pair.RunFor(Timers.Join);

        Assert.Equal(4094, pair.B.RegisteredVids.Count());
        Assert.Equal(4094, pair.IndicationsAtB.Count(i => i.Indication.Join));
        MvrpMessage first = pair.SentByA[0].Message;
        Assert.Equal(Enumerable.Range(1, 4094).Select(v => (ushort)v), first.Events.Select(e => e.Vid));

        pair.RunFor(TimeSpan.FromSeconds(30));
        Assert.Equal(4094, pair.B.RegisteredVids.Count());
        Assert.DoesNotContain(pair.IndicationsAtB, i => !i.Indication.Join);
    }

    [Fact]
    public void BothSidesDeclaringTheSameVidRegisterEachOtherAndGoQuiet()
    {
        var pair = new MrpPair(MrpTimers.Default with { LeaveAll = TimeSpan.Zero, Periodic = TimeSpan.Zero });
        pair.A.Join(20, isNew: false, TimeSpan.Zero);
        pair.B.Join(20, isNew: false, TimeSpan.Zero);
        pair.RunFor(TimeSpan.FromSeconds(2));

        Assert.True(pair.A.IsRegistered(20));
        Assert.True(pair.B.IsRegistered(20));
        Assert.Equal(ApplicantState.QA, pair.A.ApplicantOf(20));
        Assert.Equal(ApplicantState.QA, pair.B.ApplicantOf(20));
        int sent = pair.SentByA.Count + pair.SentByB.Count;
        pair.RunFor(TimeSpan.FromSeconds(30));
        Assert.Equal(sent, pair.SentByA.Count + pair.SentByB.Count);
    }
}
