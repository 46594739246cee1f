// What a loop leaves behind and how a port comes back into one: two ports of one bridge joined by a
// cable (the lab's veth pair), hosts on other ports. The loop's entries must go so hosts reach each
// other at once; a retry into a loop still there must be caught by the probe before a frame is
// forwarded, with a hold that doubles up to its cap and is forgiven after a quiet spell.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class LoopRecoveryTests
{
    private const int StepsPerSecond = 5;
    private const int RetrySeconds = 4;
    private static readonly MacAddress H1 = new(0x02_00_00_00_00_01);
    private static readonly MacAddress H2 = new(0x02_00_00_00_00_02);
    private static readonly MacAddress H3 = new(0x02_00_00_00_00_03);

    private static byte[] Broadcast(MacAddress source) => new FrameBuilder().From(source).Build();

    private static byte[] Unicast(MacAddress source, MacAddress destination) => new FrameBuilder().From(source).To(destination).Build();

    /// <summary>A bridge with hosts on h1, h2 (VLAN 1) and h3 (VLAN 2), and l1 joined to l2: a loop in VLAN 1.</summary>
    private static (LoopLab Lab, int Bridge) LoopedBridge(bool l1Probes = true)
    {
        var lab = new LoopLab();
        int bridge = lab.AddBridge(
            new PortConfig { Name = "h1" }, new PortConfig { Name = "h2" }, new PortConfig { Name = "l1", LoopDetection = l1Probes }, new PortConfig { Name = "l2" },
            new PortConfig { Name = "h3", Vlans = PortVlans.Access(2) });
        BridgeEngine engine = lab.Engine(bridge);
        engine.Publish(engine.Config with { LoopDetection = new LoopDetection { Retry = TimeSpan.FromSeconds(RetrySeconds) } });
        lab.Link(bridge, "l1", bridge, "l2");
        return (lab, bridge);
    }

    /// <summary>Steps a second at a time, a probe round every two seconds, until <paramref name="done"/> or the limit.</summary>
    private static int RunSeconds(LoopLab lab, int bridge, int maxSeconds, Func<bool> done)
    {
        for (int second = 0; second < maxSeconds; second++)
        {
            if (done())
            {
                return second;
            }
            if (second % 2 == 0)
            {
                lab.EmitProbes(bridge);
            }
            for (int step = 0; step < StepsPerSecond; step++)
            {
                lab.Step();
            }
            lab.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        return maxSeconds;
    }

    private static int LoopedPortDown(LoopLab lab, int bridge) =>
        new[] { lab.Port(bridge, "l1"), lab.Port(bridge, "l2") }.SingleOrDefault(port => lab.Engine(bridge).Status(port).IsErrorDisabled, -1);

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
    public void ALoopEventFlushesWhatTheLoopTaughtOnEveryPortOfItsVlansSoHostsReachEachOtherAtOnce()
    {
        // Only l2 probes, so l1 is the port found looped and l2 is the one left up, where the storm
        // left the hosts' entries (a move-damping pin among them).
        var (lab, b) = LoopedBridge(l1Probes: false);
        BridgeEngine engine = lab.Engine(b);
        int l1 = lab.Port(b, "l1"), l2 = lab.Port(b, "l2");
        lab.HostSends(b, "h3", Broadcast(H3));   // VLAN 2: nothing to do with the loop
        lab.Step();
        lab.HostSends(b, "h1", Broadcast(H1));   // the broadcast that storms round the loop
        lab.HostSends(b, "h2", Broadcast(H2));
        for (int step = 0; step < 10; step++)
        {
            lab.Step();   // before the first probe round: the storm teaches the FDB wrong places
        }
        Assert.Contains(engine.Fdb.Snapshot(), entry => entry.Mac == H1 && entry.Port == l2);

        RunSeconds(lab, b, 20, () => LoopedPortDown(lab, b) >= 0);
        Assert.True(engine.Status(l1).IsErrorDisabled, $"the loop was never found on l1 ({lab.FramesOverLinks} frames crossed it)");
        for (int step = 0; step < 5; step++)
        {
            lab.Step();   // what was still in flight passes (and, learning being held, teaches nothing)
        }

        Assert.DoesNotContain(engine.Fdb.Snapshot(), entry => entry.Vid == 1 && entry.Port == l2);
        Assert.Contains(engine.Fdb.Snapshot(), entry => entry.Vid == 2 && entry.Mac == H3 && entry.Port == lab.Port(b, "h3"));
        int before = lab.HostReceived.GetValueOrDefault((b, lab.Port(b, "h1")));
        lab.HostSends(b, "h2", Unicast(H2, H1));
        lab.Step();
        lab.Step();
        Assert.Equal(before + 1, lab.HostReceived[(b, lab.Port(b, "h1"))]);

        // Once the hold is over, hosts are learned where they really are.
        lab.Clock.Advance(TimeSpan.FromSeconds(BridgeEngine.LearningHoldSeconds));
        lab.HostSends(b, "h1", Unicast(H1, H2));
        lab.Step();
        Assert.Equal(lab.Port(b, "h1"), engine.Fdb.Lookup(1, H1));
    }

    [Fact]
    public void ARetryIntoALoopStillThereIsCaughtByItsProbeBeforeItForwardsAndTheHoldDoublesUpToItsCap()
    {
        var (lab, b) = LoopedBridge();
        BridgeEngine engine = lab.Engine(b);
        lab.HostSends(b, "h1", Broadcast(H1));
        RunSeconds(lab, b, 20, () => LoopedPortDown(lab, b) >= 0);
        int down = LoopedPortDown(lab, b);
        Assert.True(down >= 0, "the loop was never found");
        ProtectionEvent first = Assert.Single(TakeEvents(engine), e => e.Kind == ProtectionEventKind.ErrorDisabled);
        Assert.Equal((down, ErrorDisableCause.LoopDetected, (uint)RetrySeconds), (first.Port, first.Cause, first.HoldSeconds));
        for (int step = 0; step < 5; step++)
        {
            lab.Step();
        }

        // Hosts keep broadcasting while the loop stays. Each retry probes, finds it, and goes back down
        // for twice as long, up to 16 times the retry; not one data frame goes round the loop.
        uint[] expectedHolds = [2 * RetrySeconds, 4 * RetrySeconds, 8 * RetrySeconds, 16 * RetrySeconds, 16 * RetrySeconds];
        foreach (uint hold in expectedHolds)
        {
            long crossedBefore = lab.FramesOverLinks;
            uint downAt = engine.Status(down).RecoverAtSecond;
            int broadcasts = 0;
            while (engine.ClockSecond < downAt)
            {
                lab.HostSends(b, "h1", Broadcast(H1));
                broadcasts++;
                lab.Clock.Advance(TimeSpan.FromSeconds(1));
                lab.Step();
                lab.Step();
            }
            // The step that ran the timers queued the probe; the next carries it round the loop.
            lab.Step();
            lab.Step();
            List<ProtectionEvent> events = TakeEvents(engine);
            Assert.Contains(events, e => e.Port == down && e.Kind == ProtectionEventKind.Probing);
            ProtectionEvent again = Assert.Single(events, e => e.Kind == ProtectionEventKind.ErrorDisabled);
            Assert.Equal((down, ErrorDisableCause.LoopDetected, hold), (again.Port, again.Cause, again.HoldSeconds));
            Assert.False(engine.Status(down).Probing);
            // Each broadcast crossed the cable once (out of the port still up, into the one down): no storm.
            Assert.InRange(lab.FramesOverLinks - crossedBefore, 0, broadcasts);
        }
        Assert.Equal(1 + expectedHolds.Length, engine.Counters(down).ErrorDisabledFor(ErrorDisableCause.LoopDetected));

        // The cable goes: the next retry's probes stay away and the port forwards after the window.
        lab.Unlink(b, "l1");
        lab.Clock.Advance(TimeSpan.FromSeconds(16 * RetrySeconds));
        lab.Step();
        Assert.True(engine.Status(down).Probing);
        Assert.Equal(ErrorDisableCause.LoopDetected, engine.Status(down).Cause);
        lab.Clock.Advance(TimeSpan.FromSeconds(BridgeEngine.ProbeWindowSeconds));
        lab.Step();
        Assert.False(engine.Status(down).IsErrorDisabled);
        Assert.Contains(TakeEvents(engine), e => e.Port == down && e.Kind == ProtectionEventKind.Recovered && e.Cause == ErrorDisableCause.LoopDetected);
        Assert.Equal(1, engine.Counters(down).RecoveredFrom(ErrorDisableCause.LoopDetected));

        // After ten quiet retries up, a new loop is forgiven the past: back to the configured hold.
        lab.Clock.Advance(TimeSpan.FromSeconds(10 * RetrySeconds));
        lab.Link(b, "l1", b, "l2");
        RunSeconds(lab, b, 20, () => LoopedPortDown(lab, b) >= 0);
        ProtectionEvent fresh = Assert.Single(TakeEvents(engine), e => e.Kind == ProtectionEventKind.ErrorDisabled);
        Assert.Equal((down, (uint)RetrySeconds), (fresh.Port, fresh.HoldSeconds));
    }

    [Fact]
    public void APortThatCannotProbeComesBackAtItsTimeWithoutAProbeWindow()
    {
        var (lab, b) = LoopedBridge();
        BridgeEngine engine = lab.Engine(b);
        RunSeconds(lab, b, 20, () => LoopedPortDown(lab, b) >= 0);
        int down = LoopedPortDown(lab, b);
        Assert.True(down >= 0, "the loop was never found");
        // The operator turns probes off on that port: nothing to probe with, so the hold alone decides.
        PortConfig[] ports = [.. engine.Config.Ports];
        ports[down] = ports[down] with { LoopDetection = false };
        engine.Publish(engine.Config with { Ports = ports });
        lab.Unlink(b, "l1");

        lab.Clock.Advance(TimeSpan.FromSeconds(RetrySeconds));
        engine.RunProtectionTimers();

        Assert.False(engine.Status(down).IsErrorDisabled);
    }
}
