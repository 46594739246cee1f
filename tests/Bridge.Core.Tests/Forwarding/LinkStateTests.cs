// A port whose link the host reports down (BridgeEngine.SetLinkUp) is out of forwarding as the Linux
// bridge's disabled port is: no flood copy, no unicast delivered to it (counted once as
// egress-link-down), nothing heard from it (ingress-link-down), its learned entries gone; and back
// when its link is. Every forwarding path holds it: live batches from a plain port (the known-unicast
// and flood fast paths, hairpin reflection among them), from a port with an ingress ACL (the policy
// paths), and reporting batches (the general path).
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mirroring;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class LinkStateTests
{
    private const int Down = 2;
    private static readonly MacAddress A = MacAddress.Parse("02:00:00:00:00:0a");
    private static readonly MacAddress B = MacAddress.Parse("02:00:00:00:00:0b");
    private static readonly MacAddress C = MacAddress.Parse("02:00:00:00:00:0c");
    private static readonly MacAddress OnDownPort = MacAddress.Parse("02:00:00:00:00:d0");
    private static readonly MacAddress Unknown = MacAddress.Parse("02:00:00:00:00:ee");
    private static readonly MacAddress Group = MacAddress.Parse("01:00:5e:01:02:03");

    private static readonly AccessList PermitAll = new()
    {
        Name = "permit-all",
        DefaultVerdict = AclVerdict.Permit,
        Rules = [new AclRule("all", AclVerdict.Permit, new AclMatch())],
    };

    /// <summary>Four ports (p1 with an ingress ACL when asked, p3 hairpin), one VLAN.</summary>
    private static BridgeConfig Config(bool policyOnP1 = false) => new()
    {
        Ports =
        [
            new PortConfig { Name = "p0" },
            new PortConfig { Name = "p1", IngressAcl = policyOnP1 ? PermitAll.Name : null },
            new PortConfig { Name = "p2" },
            new PortConfig { Name = "p3", Hairpin = true },
        ],
        Acls = policyOnP1 ? [PermitAll] : [],
        LoopDetection = new LoopDetection { Enabled = false },
    };

    private static byte[] Frame(MacAddress from, MacAddress to) =>
        new FrameBuilder().From(from).To(to).Ipv4Udp(0x0A000001, 0x0A000002, 4000, 5000).Build();

    /// <summary>A bridge that knows A on p0, B on p1, C on p3, with p2's link down; its queues empty.</summary>
    private static BridgeHarness BridgeWithP2Down(bool policyOnP1 = false)
    {
        var harness = new BridgeHarness(Config(policyOnP1));
        harness.Engine.SetLinkUp(Down, false);   // first: p2 sends nothing, so its tx counters stay 0
        harness.Send([(0, Frame(A, MacAddress.Broadcast)), (1, Frame(B, MacAddress.Broadcast)), (3, Frame(C, MacAddress.Broadcast))]);
        harness.DrainEgress();
        return harness;
    }

    private static long TotalDrops(BridgeHarness harness) =>
        Enumerable.Range(0, 4).Sum(port => harness.Engine.Counters(port).DroppedTotal + harness.Engine.Counters(port).EgressDroppedTotal);

    public static TheoryData<string, bool> GroupAndUnknownDestinations => new()
    {
        { "broadcast", false }, { "multicast", false }, { "unknown-unicast", false },
        { "broadcast", true }, { "multicast", true }, { "unknown-unicast", true },
    };

    private static MacAddress DestinationOf(string kind) => kind switch
    {
        "broadcast" => MacAddress.Broadcast,
        "multicast" => Group,
        _ => Unknown,
    };

    [Theory]
    [MemberData(nameof(GroupAndUnknownDestinations))]
    public void AFloodGivesAPortWithoutLinkNoCopyAndCountsNothingThere(string kind, bool reporting)
    {
        var harness = BridgeWithP2Down();
        byte[] frame = Frame(A, DestinationOf(kind));

        if (reporting)
        {
            FrameDisposition disposition = harness.SendFor(0, frame);
            Assert.Equal(DispositionKind.Flooded, disposition.Kind);
        }
        else
        {
            harness.Send(0, frame);   // live: the flood fast path (broadcast, multicast) or the general path from the plain batch
        }

        List<Delivered> sent = harness.DrainEgress();
        Assert.Equal([1, 3], sent.Select(copy => copy.Port));
        Assert.Equal(0, harness.Engine.Counters(Down).TxFrames);
        Assert.Equal(0, TotalDrops(harness));
        Assert.Equal(2, harness.Engine.Counters(0).Flooded);   // the setup's broadcast and this one
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AFloodFromAPortWithAnIngressAclGivesAPortWithoutLinkNoCopy(bool reporting)
    {
        var harness = BridgeWithP2Down(policyOnP1: true);
        var batch = new[] { (1, Frame(B, MacAddress.Broadcast)), (1, Frame(B, Group)), (1, Frame(B, Unknown)) };

        if (reporting)
        {
            harness.SendFor(batch);
        }
        else
        {
            harness.Send(batch);   // live: the policy batch
        }

        List<Delivered> sent = harness.DrainEgress();
        Assert.Equal([0, 0, 0, 3, 3, 3], sent.Select(copy => copy.Port));
        Assert.Equal(0, TotalDrops(harness));
    }

    [Theory]
    [InlineData(0, false)]   // from a plain port: the known-unicast fast path
    [InlineData(0, true)]    // the general path
    [InlineData(1, false)]   // from a port with an ingress ACL: the policy path
    [InlineData(1, true)]
    public void KnownUnicastToAStaticEntryOnAPortWithoutLinkIsDroppedOnceAsEgressLinkDown(int ingress, bool reporting)
    {
        var harness = BridgeWithP2Down(policyOnP1: ingress == 1);
        Assert.True(harness.Engine.AddFdbEntry(1, OnDownPort, Down, FdbEntryKind.Static));
        MacAddress source = ingress == 0 ? A : B;
        var batch = new[] { (ingress, Frame(source, C)), (ingress, Frame(source, OnDownPort)), (ingress, Frame(source, C)) };

        if (reporting)
        {
            FrameDisposition[] dispositions = harness.SendFor(batch);
            Assert.Equal((DispositionKind.Dropped, DropReason.EgressLinkDown), (dispositions[1].Kind, dispositions[1].Reason));
        }
        else
        {
            harness.Send(batch);
        }

        List<Delivered> sent = harness.DrainEgress();
        Assert.Equal([3, 3], sent.Select(copy => copy.Port));   // the frames around it are forwarded as before
        Assert.Equal(1, harness.Engine.Counters(ingress).DroppedFor(DropReason.EgressLinkDown));
        Assert.Equal(1, TotalDrops(harness));
        Assert.Equal(0, harness.Engine.Counters(Down).TxFrames);
        Assert.Equal(Down, harness.Engine.Fdb.Lookup(1, OnDownPort));   // the operator's entry stays
    }

    [Fact]
    public void HairpinReflectionGoesOnWhileAnotherPortHasNoLink()
    {
        var harness = BridgeWithP2Down();
        MacAddress neighbour = MacAddress.Parse("02:00:00:00:00:1a");
        harness.Send(3, Frame(neighbour, MacAddress.Broadcast));   // a second host behind p3
        harness.DrainEgress();

        harness.Send([(3, Frame(C, neighbour)), (3, Frame(neighbour, C))]);   // the fast path's reflection

        List<Delivered> sent = harness.DrainEgress();
        Assert.Equal([3, 3], sent.Select(copy => copy.Port));
        Assert.Equal(0, TotalDrops(harness));
    }

    [Fact]
    public void AHairpinPortWithoutLinkReflectsNothingAndHearsNothing()
    {
        var harness = BridgeWithP2Down();
        harness.Engine.SetLinkUp(3, false);
        Assert.Equal(-1, harness.Engine.Fdb.Lookup(1, C));   // what p3 learned went with its link

        harness.Send([(3, Frame(C, C)), (3, Frame(C, A))]);

        Assert.Empty(harness.DrainEgress());
        Assert.Equal(2, harness.Engine.Counters(3).DroppedFor(DropReason.IngressLinkDown));
        Assert.Equal(-1, harness.Engine.Fdb.Lookup(1, C));   // nothing learned from what it heard
    }

    public static TheoryData<string, bool> EveryKindOfFrame => new()
    {
        { "known-unicast", false }, { "broadcast", false }, { "multicast", false }, { "unknown-unicast", false },
        { "known-unicast", true }, { "broadcast", true }, { "multicast", true }, { "unknown-unicast", true },
    };

    [Theory]
    [MemberData(nameof(EveryKindOfFrame))]
    public void APortWithoutLinkHearsNothingAndLearnsNothingAsADisabledPort(string kind, bool reporting)
    {
        var harness = BridgeWithP2Down();
        byte[] frame = Frame(OnDownPort, kind == "known-unicast" ? A : DestinationOf(kind));

        if (reporting)
        {
            FrameDisposition disposition = harness.SendFor(Down, frame);
            Assert.Equal((DispositionKind.Dropped, DropReason.IngressLinkDown), (disposition.Kind, disposition.Reason));
        }
        else
        {
            harness.Send([(Down, frame), (Down, frame)]);
        }

        Assert.Empty(harness.DrainEgress());
        PortCounters counters = harness.Engine.Counters(Down);
        Assert.Equal(counters.RxFrames, counters.DroppedFor(DropReason.IngressLinkDown));
        Assert.True(counters.RxFrames > 0);
        Assert.Equal(-1, harness.Engine.Fdb.Lookup(1, OnDownPort));
    }

    [Fact]
    public void APortWhoseLinkComesBackGetsFloodsAndUnicastAndIsHeardAgain()
    {
        var harness = BridgeWithP2Down();
        Assert.True(harness.Engine.AddFdbEntry(1, OnDownPort, Down, FdbEntryKind.Static));
        Assert.False(harness.Engine.IsLinkUp(Down));

        harness.Engine.SetLinkUp(Down, true);
        Assert.True(harness.Engine.IsLinkUp(Down));
        harness.Send([(0, Frame(A, MacAddress.Broadcast)), (0, Frame(A, OnDownPort))]);
        harness.Send(Down, Frame(OnDownPort, A));

        List<Delivered> sent = harness.DrainEgress();
        Assert.Equal([0, 1, 2, 2, 3], sent.Select(copy => copy.Port).Order());
        Assert.Equal(0, TotalDrops(harness));
    }

    [Fact]
    public void LinkDownFlushesTheLearnedAndStickyEntriesOfThePortButNotStaticOnesNorOtherPorts()
    {
        var harness = new BridgeHarness(Config());
        harness.Send([(0, Frame(A, MacAddress.Broadcast)), (Down, Frame(OnDownPort, MacAddress.Broadcast))]);
        MacAddress sticky = MacAddress.Parse("02:00:00:00:00:5c");
        MacAddress fixedHost = MacAddress.Parse("02:00:00:00:00:5f");
        Assert.True(harness.Engine.AddFdbEntry(1, sticky, Down, FdbEntryKind.Sticky));
        Assert.True(harness.Engine.AddFdbEntry(1, fixedHost, Down, FdbEntryKind.Static));

        harness.Engine.SetLinkUp(Down, false);

        Assert.Equal(-1, harness.Engine.Fdb.Lookup(1, OnDownPort));
        Assert.Equal(-1, harness.Engine.Fdb.Lookup(1, sticky));
        Assert.Equal(Down, harness.Engine.Fdb.Lookup(1, fixedHost));
        Assert.Equal(0, harness.Engine.Fdb.Lookup(1, A));
    }

    [Fact]
    public void APublishedConfigurationKeepsTheLinkState()
    {
        var harness = BridgeWithP2Down();
        BridgeConfig changed = Config() with { AgeingTime = TimeSpan.FromSeconds(60) };
        changed = changed with { Ports = [.. changed.Ports.Select(port => port with { Hairpin = false })] };

        harness.Engine.Publish(changed);
        harness.Send(0, Frame(A, MacAddress.Broadcast));   // the publish takes effect at this batch

        Assert.Equal(TimeSpan.FromSeconds(60), harness.Engine.Config.AgeingTime);
        Assert.False(harness.Engine.IsLinkUp(Down));
        Assert.Equal([1, 3], harness.DrainEgress().Select(copy => copy.Port));
        Assert.Equal(0, TotalDrops(harness));
    }

    [Fact]
    public void ALinkStateSetForAPortTheConfigurationDoesNotHaveYetHoldsWhenThePortIsAdded()
    {
        var harness = new BridgeHarness(new BridgeConfig { Ports = [new PortConfig { Name = "p0" }, new PortConfig { Name = "p1" }] });
        harness.Engine.SetLinkUp(Down, false);

        harness.Engine.Publish(Config());
        harness.Send(1, Frame(B, MacAddress.Broadcast));

        Assert.Equal([0, 3], harness.DrainEgress().Select(copy => copy.Port));
    }

    [Fact]
    public void SettingTheSameStateTwiceChangesNothing()
    {
        var harness = BridgeWithP2Down();
        Assert.True(harness.Engine.AddFdbEntry(1, OnDownPort, Down, FdbEntryKind.Sticky));   // an operator's entry added while down

        harness.Engine.SetLinkUp(Down, false);   // no new down: nothing flushed
        harness.Engine.SetLinkUp(1, true);        // up already

        Assert.Equal(Down, harness.Engine.Fdb.Lookup(1, OnDownPort));
        Assert.Equal(1UL << Down, harness.Engine.LinkDownPorts);
        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Engine.SetLinkUp(BridgeConfig.MaxPorts, false));
    }

    [Fact]
    public void ATraceSaysThePortHasNoLink()
    {
        var harness = BridgeWithP2Down();
        Assert.True(harness.Engine.AddFdbEntry(1, OnDownPort, Down, FdbEntryKind.Static));

        FrameTrace heard = harness.Engine.Trace(Down, Frame(OnDownPort, A));
        FrameTrace toIt = harness.Engine.Trace(0, Frame(A, OnDownPort));
        FrameTrace flood = harness.Engine.Trace(0, Frame(A, MacAddress.Broadcast));

        Assert.Equal(DropReason.IngressLinkDown, heard.Verdict.Reason);
        Assert.Contains(heard.Stages, stage => stage.Text.Contains("p2 has no link", StringComparison.Ordinal));
        Assert.Equal(DropReason.EgressLinkDown, toIt.Verdict.Reason);
        Assert.Contains(toIt.Stages, stage => stage.Text.Contains("egress-link-down: p2 has no link", StringComparison.Ordinal));
        Assert.Equal([1, 3], flood.Verdict.Ports);
        Assert.Contains(flood.Stages, stage => stage.Text.Contains("p2 (egress-link-down", StringComparison.Ordinal));
    }

    [Fact]
    public void AMirrorSessionWhoseDestinationHasNoLinkCountsItsCopiesAsDestinationDown()
    {
        var harness = BridgeWithP2Down();
        var session = new MirrorSession("span", [new CaptureSelector(0) { Outbound = false }], new SpanDestination(3));
        Assert.True(harness.Engine.StartMirror(session));
        harness.Engine.SetLinkUp(3, false);

        harness.Send(0, Frame(A, B));

        Assert.Equal([1], harness.DrainEgress().Select(copy => copy.Port));
        Assert.Equal(1, session.Dropped(MirrorDropReason.DestinationDown));
    }

    [Fact]
    public void LoopProbesSkipAPortWithoutLink()
    {
        var harness = new BridgeHarness(Config() with { LoopDetection = new LoopDetection { Enabled = true } });
        harness.Engine.SetLinkUp(Down, false);

        int queued = harness.Engine.EmitLoopProbes();

        Assert.Equal(3, queued);
        Assert.Equal([0, 1, 3], harness.DrainEgress().Select(copy => copy.Port));
        Assert.Equal(0, harness.Engine.Counters(Down).LoopProbesSent);
    }

    [Fact]
    public void ForwardingWithAPortWithoutLinkAllocatesNothing()
    {
        var harness = BridgeWithP2Down();
        Assert.True(harness.Engine.AddFdbEntry(1, OnDownPort, Down, FdbEntryKind.Static));
        byte[][] frames = [Frame(A, C), Frame(A, MacAddress.Broadcast), Frame(A, Group), Frame(A, Unknown), Frame(A, OnDownPort), Frame(OnDownPort, A), Frame(C, C)];
        int[] ports = [0, 0, 0, 0, 0, Down, 3];
        var batch = new FrameBuffer[frames.Length];
        harness.SendRecycled(frames, ports, batch, rounds: 200);   // warm: tiering, first calls

        long allocated = AllocationProbe.LeastOf(3, () => harness.SendRecycled(frames, ports, batch, rounds: 500));

        Assert.Equal(0, allocated);
        Assert.Equal(0, harness.Engine.Counters(Down).TxFrames);
    }
}
