// Real loops out of engines wired port to port: two hairpin ports facing each other, and a triangle.
// A broadcast injected into the loop must stop within bounded frames and time, the guilty port must
// be reported, the rest must keep forwarding, and the port must come back once the loop is gone.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class LoopTests
{
    private const int StepsPerSecond = 5;
    private const int ProbeEverySeconds = 2;

    private static byte[] Broadcast(ulong source) => new FrameBuilder().From(new MacAddress(source)).Build();

    /// <summary>
    /// Runs the lab like hosts would: each bridge a probe round every two seconds, on its own timer
    /// (phases three steps apart, longer than a trip round the ring). Returns steps run.
    /// </summary>
    private static int RunUntilQuiet(LoopLab lab, int maxSteps, int quietSteps = 3 * StepsPerSecond)
    {
        int quiet = 0;
        for (int step = 0; step < maxSteps; step++)
        {
            for (int bridge = 0; bridge < lab.BridgeCount; bridge++)
            {
                if ((step + (3 * bridge)) % (StepsPerSecond * ProbeEverySeconds) == 0)
                {
                    lab.EmitProbes(bridge);
                }
            }
            if (step % StepsPerSecond == 0)
            {
                lab.Clock.Advance(TimeSpan.FromSeconds(1));
            }
            quiet = lab.Step() == 0 ? quiet + 1 : 0;
            if (quiet >= quietSteps)
            {
                return step + 1;
            }
        }
        return maxSteps;
    }

    /// <summary>The first loop found, by the events the bridges queued (other events are taken too).</summary>
    private static (int Bridge, ProtectionEvent Report) SingleLoopReport(LoopLab lab, int bridges)
    {
        var reports = new List<(int, ProtectionEvent)>();
        for (int b = 0; b < bridges; b++)
        {
            while (lab.Engine(b).ProtectionEvents.TryTake(out ProtectionEvent report))
            {
                if (report.Kind == ProtectionEventKind.ErrorDisabled && report.Cause == ErrorDisableCause.LoopDetected)
                {
                    reports.Add((b, report));
                }
            }
        }
        Assert.NotEmpty(reports);
        return reports[0];
    }

    [Fact]
    public void TwoHairpinPortsFacingEachOtherStopABroadcastReportThePortAndRecoverWhenUnlinked()
    {
        var lab = new LoopLab();
        int a = lab.AddBridge(new PortConfig { Name = "hostA" }, new PortConfig { Name = "hostA2" }, new PortConfig { Name = "up", Hairpin = true });
        int b = lab.AddBridge(new PortConfig { Name = "hostB" }, new PortConfig { Name = "down", Hairpin = true });
        lab.Link(a, "up", b, "down");

        lab.HostSends(a, "hostA", Broadcast(0x02_00_00_00_00_0A));
        int steps = RunUntilQuiet(lab, maxSteps: 200);

        Assert.True(steps < 200, $"the loop never went quiet ({lab.FramesOverLinks} frames over the link)");
        Assert.InRange(lab.FramesOverLinks, 1, 100);
        (int bridge, ProtectionEvent report) = SingleLoopReport(lab, 2);
        Assert.Equal(report.ProbeSentPort, report.ProbeReceivedPort);   // reflected straight back
        Assert.Equal(ErrorDisableCause.LoopDetected, lab.Engine(bridge).Status(report.Port).Cause);

        // The rest keeps forwarding: A's two hosts still reach each other.
        int before = lab.HostReceived.GetValueOrDefault((a, lab.Port(a, "hostA2")));
        lab.HostSends(a, "hostA", Broadcast(0x02_00_00_00_00_0A));
        lab.Step();
        lab.Step();
        Assert.Equal(before + 1, lab.HostReceived[(a, lab.Port(a, "hostA2"))]);

        // Remove the loop (B stops reflecting: unlinked); after the retry time the port probes, and
        // with no probe back it is forwarding once the probe window is over.
        lab.Unlink(a, "up");
        lab.Clock.Advance(TimeSpan.FromSeconds(31));
        lab.Step();
        Assert.True(lab.Engine(bridge).Status(report.Port).Probing);
        lab.Clock.Advance(TimeSpan.FromSeconds(BridgeEngine.ProbeWindowSeconds));
        lab.Step();
        Assert.False(lab.Engine(bridge).Status(report.Port).IsErrorDisabled);
    }

    [Fact]
    public void ATriangleOfBridgesStopsABroadcastKeepsEveryHostReachableAndRecoversWhenALinkGoes()
    {
        var lab = new LoopLab();
        int a = lab.AddBridge(new PortConfig { Name = "host" }, new PortConfig { Name = "toB" }, new PortConfig { Name = "toC" });
        int b = lab.AddBridge(new PortConfig { Name = "host" }, new PortConfig { Name = "toA" }, new PortConfig { Name = "toC" });
        int c = lab.AddBridge(new PortConfig { Name = "host" }, new PortConfig { Name = "toA" }, new PortConfig { Name = "toB" });
        lab.Link(a, "toB", b, "toA");
        lab.Link(b, "toC", c, "toB");
        lab.Link(c, "toA", a, "toC");

        lab.HostSends(a, "host", Broadcast(0x02_00_00_00_00_0A));
        int steps = RunUntilQuiet(lab, maxSteps: 300);

        Assert.True(steps < 300, $"the loop never went quiet ({lab.FramesOverLinks} frames over links)");
        Assert.InRange(lab.FramesOverLinks, 1, 300);
        (int bridge, ProtectionEvent report) = SingleLoopReport(lab, 3);
        Assert.Equal(ErrorDisableCause.LoopDetected, lab.Engine(bridge).Status(report.Port).Cause);
        int downPorts = Enumerable.Range(0, 3).Sum(x => Enumerable.Range(0, 3).Count(p => lab.Engine(x).Status(p).IsErrorDisabled));
        Assert.Equal(1, downPorts);   // one port breaks the ring, no more

        // The ring is now a line: a broadcast from C's host reaches A's and B's hosts exactly once.
        var received = new[] { a, b }.ToDictionary(x => x, x => lab.HostReceived.GetValueOrDefault((x, 0)));
        lab.HostSends(c, "host", Broadcast(0x02_00_00_00_00_0C));
        RunUntilQuiet(lab, maxSteps: 50, quietSteps: 5);
        Assert.Equal(received[a] + 1, lab.HostReceived[(a, 0)]);
        Assert.Equal(received[b] + 1, lab.HostReceived[(b, 0)]);

        // Take away a link that is not the blocked one: no loop is left, so the blocked port comes back
        // and stays up through later probe rounds.
        (int bx, int px) = (bridge, report.Port);
        var (ux, uport) = new[] { (a, "toB"), (b, "toC"), (c, "toA") }.First(l => !(l.Item1 == bx && lab.Port(l.Item1, l.Item2) == px) && !IsPeerOf(lab, l, bx, px));
        lab.Unlink(ux, uport);
        lab.Clock.Advance(TimeSpan.FromSeconds(31));
        RunUntilQuiet(lab, maxSteps: 100, quietSteps: 4 * StepsPerSecond * ProbeEverySeconds);
        Assert.False(lab.Engine(bx).Status(px).IsErrorDisabled);
    }

    private static bool IsPeerOf(LoopLab lab, (int Bridge, string Port) link, int bridge, int port)
    {
        // The link whose other end is the blocked port: the names say which ends meet.
        string[] names = ["toA", "toB", "toC"];
        string blockedName = lab.Engine(bridge).Config.Ports[port].Name;
        return blockedName == names[link.Bridge] && link.Port == names[bridge];
    }

    [Fact]
    public void ThePingPongGuardAloneStopsTwoFacingHairpinPortsWithinAFewFrames()
    {
        var lab = new LoopLab();
        var noProbes = new LoopDetection { Enabled = false };
        int a = lab.AddBridge(new PortConfig { Name = "host" }, new PortConfig { Name = "up", Hairpin = true });
        int b = lab.AddBridge(new PortConfig { Name = "host" }, new PortConfig { Name = "down", Hairpin = true });
        foreach (int bridge in new[] { a, b })
        {
            lab.Engine(bridge).Publish(lab.Engine(bridge).Config with { LoopDetection = noProbes });
        }
        lab.Link(a, "up", b, "down");

        lab.HostSends(a, "host", Broadcast(0x02_00_00_00_00_0A));
        int steps = 0;
        while (lab.Step() > 0 && steps < 100)
        {
            steps++;
        }

        Assert.InRange(lab.FramesOverLinks, 1, 6);
        var reports = new List<PingPongReport>();
        foreach (int bridge in new[] { a, b })
        {
            while (lab.Engine(bridge).PingPongReports.TryTake(out PingPongReport report))
            {
                reports.Add(report);
            }
        }
        Assert.NotEmpty(reports);
        Assert.Equal(1, lab.HostReceived[(b, 0)]);   // B's host saw the broadcast once
    }

    [Fact]
    public void TwoFacingHairpinPortsStopAFloodAfterOneRoundTripAndLearnNothingFromIt()
    {
        var lab = new LoopLab();
        var noProbes = new LoopDetection { Enabled = false };
        int a = lab.AddBridge(new PortConfig { Name = "host" }, new PortConfig { Name = "up", Hairpin = true });
        int b = lab.AddBridge(new PortConfig { Name = "host" }, new PortConfig { Name = "down", Hairpin = true });
        foreach (int bridge in new[] { a, b })
        {
            lab.Engine(bridge).Publish(lab.Engine(bridge).Config with { LoopDetection = noProbes });
        }
        lab.Link(a, "up", b, "down");
        var sender = new MacAddress(0x02_00_00_00_00_0A);

        lab.HostSends(a, "host", Broadcast(sender.Value));
        for (int step = 0; step < 20 && lab.Step() > 0; step++)
        {
        }

        Assert.Equal(2, lab.FramesOverLinks);   // A to B, B's reflection back to A, where it stops
        Assert.Equal(1, lab.Engine(a).Counters(lab.Port(a, "up")).DroppedFor(Hairpin.Bridge.Core.Counters.DropReason.PingPong));
        Assert.Equal(1, lab.HostReceived[(b, 0)]);
        Assert.False(lab.HostReceived.ContainsKey((a, 0)));   // the sender never hears its own broadcast
        Assert.Equal(lab.Port(a, "host"), lab.Engine(a).Fdb.Lookup(1, sender));   // the bounce taught A nothing
    }
}
