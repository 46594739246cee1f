// Protection events as the engine reports them: every error-disable (BPDU guard, port security,
// storm control) and every way back queues an event with port, cause and hold, and counts it per
// cause; a hold that is over ends on the control path, at its time, with no frame needed.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class ProtectionEventTests
{
    private static readonly MacAddress HostA = new(0x02_00_00_00_00_0A);
    private static readonly MacAddress HostB = new(0x02_00_00_00_00_0B);

    private static byte[] Bpdu() => new FrameBuilder().From(HostA).To("01:80:c2:00:00:00").StpBpdu().Build();

    private static List<ProtectionEvent> TakeEvents(BridgeEngine engine)
    {
        var events = new List<ProtectionEvent>();
        while (engine.ProtectionEvents.TryTake(out ProtectionEvent protection))
        {
            events.Add(protection);
        }
        return events;
    }

    [Fact]
    public void AnExpiredBpduGuardHoldEndsOnTheControlPathWithNoTrafficAtAll()
    {
        var harness = BridgeHarness.WithPorts(new PortConfig { Name = "hv1" }, new PortConfig { Name = "hv2" });
        harness.Send(0, Bpdu());
        Assert.Equal(ErrorDisableCause.BpduGuard, harness.Engine.Status(0).Cause);
        ProtectionEvent down = Assert.Single(TakeEvents(harness.Engine));
        Assert.Equal((0, ProtectionEventKind.ErrorDisabled, ErrorDisableCause.BpduGuard, 30u), (down.Port, down.Kind, down.Cause, down.HoldSeconds));

        harness.Clock.Advance(TimeSpan.FromSeconds(29));
        harness.Engine.RunProtectionTimers();
        Assert.True(harness.Engine.Status(0).IsErrorDisabled);
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        harness.Engine.RunProtectionTimers();

        Assert.False(harness.Engine.Status(0).IsErrorDisabled);
        ProtectionEvent up = Assert.Single(TakeEvents(harness.Engine));
        Assert.Equal((0, ProtectionEventKind.Recovered, ErrorDisableCause.BpduGuard), (up.Port, up.Kind, up.Cause));
        Assert.Equal(1, harness.Engine.Counters(0).ErrorDisabledFor(ErrorDisableCause.BpduGuard));
        Assert.Equal(1, harness.Engine.Counters(0).RecoveredFrom(ErrorDisableCause.BpduGuard));
        Assert.Equal(1, harness.Engine.Counters(0).RxFrames);   // only the BPDU ever arrived
    }

    [Fact]
    public void PortSecurityAndStormControlDisablesAreReportedUntilAnOperatorRecovers()
    {
        var harness = BridgeHarness.WithPorts(
            new PortConfig { Name = "secure", Security = new PortSecurity { Enabled = true, MaxMacs = 1, Violation = SecurityViolation.Disable } },
            new PortConfig { Name = "stormy", StormControl = new StormControl { BroadcastPps = 1, Action = StormAction.Disable } },
            new PortConfig { Name = "other" });

        harness.Send(0, new FrameBuilder().From(HostA).Build());
        harness.Send(0, new FrameBuilder().From(HostB).Build());   // a second MAC: violation
        harness.Send([(1, new FrameBuilder().From(HostB).Build()), (1, new FrameBuilder().From(HostB).Build())]);   // over 1 pps

        List<ProtectionEvent> events = TakeEvents(harness.Engine);
        Assert.Equal(
            [(0, ProtectionEventKind.ErrorDisabled, ErrorDisableCause.PortSecurity, 0u), (1, ProtectionEventKind.ErrorDisabled, ErrorDisableCause.StormControl, 0u)],
            events.Select(e => (e.Port, e.Kind, e.Cause, e.HoldSeconds)));
        Assert.Equal(1, harness.Engine.Counters(0).ErrorDisabledFor(ErrorDisableCause.PortSecurity));
        Assert.Equal(1, harness.Engine.Counters(1).ErrorDisabledFor(ErrorDisableCause.StormControl));

        harness.Advance(TimeSpan.FromDays(1));
        Assert.True(harness.Engine.Status(0).IsErrorDisabled);   // no timer: only an operator brings these back
        Assert.True(harness.Engine.RecoverPort(1));

        ProtectionEvent back = Assert.Single(TakeEvents(harness.Engine));
        Assert.Equal((1, ProtectionEventKind.RecoveredByOperator, ErrorDisableCause.StormControl), (back.Port, back.Kind, back.Cause));
        Assert.Equal(1, harness.Engine.Counters(1).RecoveredFrom(ErrorDisableCause.StormControl));
    }

    [Fact]
    public void StormControlDroppingIsReportedOncePerPortPerSecondAndCountedAsAnEpisode()
    {
        var harness = BridgeHarness.WithPorts(
            new PortConfig { Name = "stormy", StormControl = new StormControl { BroadcastPps = 2, MulticastPps = 2 } },
            new PortConfig { Name = "other" });
        byte[] broadcast = new FrameBuilder().From(HostA).Build();

        harness.Send([.. Enumerable.Range(0, 10).Select(_ => (0, broadcast))]);   // 8 over the limit, in one second
        harness.Advance(TimeSpan.FromSeconds(1));
        harness.Send([.. Enumerable.Range(0, 10).Select(_ => (0, broadcast))]);   // and again in the next

        List<StormReport> reports = [];
        while (harness.Engine.StormReports.TryTake(out StormReport report))
        {
            reports.Add(report);
        }
        Assert.Equal(2, reports.Count);
        Assert.All(reports, report => Assert.Equal((0, DropReason.StormBroadcast, 2L), (report.Port, report.Reason, report.LimitPps)));
        Assert.Equal(reports[0].Second + 1, reports[1].Second);
        Assert.Equal(2, harness.Engine.Counters(0).StormEpisodes);
        Assert.True(harness.Engine.Counters(0).DroppedFor(DropReason.StormBroadcast) >= 14);   // every refused frame is still counted
    }
}
