// Mirroring sessions in the engine (MirrorSession, MirrorTaps, Stages/MirrorStage): which frames a
// session takes (port and direction, a VSI's MAC and VLAN, an ACL rule's `mirror: SESSION`), the form
// each copy leaves its destination in (SPAN as it was, RSPAN retagged, ERSPAN wrapped, a ring), that
// a destination port hears nothing and gets nothing forwarded, that copies are never mirrored again,
// and that a destination that cannot keep up loses copies, counted by reason, never forwarded frames.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mirroring;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Tests.Mirroring;

public sealed class MirrorSessionTests
{
    private static readonly MacAddress A = MacAddress.Parse("52:54:00:00:00:0a");
    private static readonly MacAddress B = MacAddress.Parse("52:54:00:00:00:0b");
    private static readonly MacAddress C = MacAddress.Parse("52:54:00:00:00:0c");
    private const int Trunk = 0;
    private const int Vm1 = 1;
    private const int Vm2 = 2;
    private const int Monitor = 3;

    // p0: trunk carrying VLAN 10 tagged; p1 and p2: access ports of VLAN 10; p3: a port for the analyzer.
    private static BridgeHarness Bridge(int poolSize = 4096, BridgeEngineOptions? options = null, PortState monitorState = PortState.Forwarding, string? vm1Acl = null, IReadOnlyList<AccessList>? acls = null) => new(new BridgeConfig
    {
        Ports =
        [
            new PortConfig { Name = "trunk", Vlans = PortVlans.Trunk(VlanSet.Of(10)) },
            new PortConfig { Name = "vm1", Vlans = PortVlans.Access(10), IngressAcl = vm1Acl },
            new PortConfig { Name = "vm2", Vlans = PortVlans.Access(10) },
            new PortConfig { Name = "monitor", Vlans = PortVlans.Access(10), State = monitorState },
        ],
        Acls = acls ?? [],
    }, poolSize, options);

    private static MirrorSession Span(string name, params CaptureSelector[] sources) => new(name, sources, new SpanDestination(Monitor));

    private static CaptureSelector Rx(int port) => new(port) { Outbound = false };

    private static CaptureSelector Tx(int port) => new(port) { Inbound = false };

    private static byte[] Broadcast(MacAddress from) => new FrameBuilder().From(from).To(MacAddress.Broadcast).Build();

    [Fact]
    public void SpanRxSendsTheFrameAsItArrivedToTheDestinationOnly()
    {
        var harness = Bridge();
        MirrorSession session = Span("s1", Rx(Vm1));
        Assert.True(harness.Engine.StartMirror(session));
        byte[] frame = Broadcast(A);

        harness.Send(Vm1, frame);

        List<Delivered> delivered = harness.DrainEgress();
        Assert.Equal([Trunk, Vm2, Monitor], delivered.Select(copy => copy.Port));
        Assert.Equal(frame, delivered.Single(copy => copy.Port == Monitor).Bytes);
        Assert.Equal((1L, (long)frame.Length, 0L), (session.Mirrored, session.MirroredBytes, session.DroppedTotal));
        Assert.Equal(1, harness.Engine.Counters(Monitor).Mirrored);
    }

    [Fact]
    public void ATraceSaysADestinationPortIsLeftOutOfAFloodAndAUnicastForBeingOne()
    {
        var harness = Bridge();
        harness.Send(Monitor, Broadcast(C));   // C learned on the monitor port before it became a destination
        harness.DrainEgress();
        harness.Engine.StartMirror(Span("s1", Rx(Trunk)));   // no batch since: the trace takes the session as the next batch would

        string flood = Forwarding(harness.Engine.Trace(Vm1, Broadcast(A)));
        string unicast = Forwarding(harness.Engine.Trace(Vm1, new FrameBuilder().From(A).To(C).Build()));

        Assert.Contains("monitor (monitor-destination: monitor is a mirroring session's destination (it gets mirror copies only))", flood, StringComparison.Ordinal);
        Assert.Contains("monitor is a mirroring session's destination", unicast, StringComparison.Ordinal);
    }

    private static string Forwarding(FrameTrace trace) =>
        string.Join("\n", trace.Stages.Where(stage => stage.Name == "forwarding").Select(stage => stage.Text));

    [Fact]
    public void SpanTxSendsEachCopyInItsEgressForm()
    {
        var harness = Bridge();
        harness.Engine.StartMirror(Span("s1", Tx(Trunk)));

        harness.Send(Vm1, Broadcast(A));

        List<Delivered> delivered = harness.DrainEgress();
        byte[] onTrunk = delivered.Single(copy => copy.Port == Trunk).Bytes;
        Assert.Equal(onTrunk, delivered.Single(copy => copy.Port == Monitor).Bytes);
        Assert.Equal(Broadcast(A).Length + 4, onTrunk.Length);   // tagged, as the trunk sent it
    }

    [Fact]
    public void BothDirectionsOfTwoPortsGiveACopyPerPointTheFramePassed()
    {
        var harness = Bridge();
        MirrorSession session = Span("s1", new CaptureSelector(Vm1), new CaptureSelector(Vm2));

        harness.Engine.StartMirror(session);
        harness.Send(Vm1, Broadcast(A));

        Assert.Equal(2, harness.DrainEgress().Count(copy => copy.Port == Monitor));   // in at vm1, out at vm2
        Assert.Equal(2, session.Mirrored);
    }

    [Fact]
    public void ADestinationPortHearsNothingAndGetsNothingForwarded()
    {
        var harness = Bridge();
        harness.Send(Monitor, Broadcast(C));   // C learned on the monitor port before it became a destination
        harness.DrainEgress();
        harness.Engine.StartMirror(Span("s1", Rx(Trunk)));

        FrameDisposition heard = harness.SendFor(Monitor, Broadcast(C));
        FrameDisposition toC = harness.SendFor(Vm1, new FrameBuilder().From(A).To(C).Build());
        harness.Send(Vm1, Broadcast(A));

        Assert.Equal(DropReason.MonitorDestination, heard.Reason);
        Assert.Equal(DropReason.EgressPortNotForwarding, toC.Reason);
        Assert.DoesNotContain(harness.DrainEgress(), copy => copy.Port == Monitor);
        Assert.Equal(1, harness.Engine.Counters(Monitor).Dropped[(int)DropReason.MonitorDestination]);
    }

    [Fact]
    public void AStoppedSessionMirrorsNothingAndItsPortForwardsAgain()
    {
        var harness = Bridge();
        harness.Engine.StartMirror(Span("s1", Rx(Vm1)));
        MirrorSession? stopped = harness.Engine.StopMirror("s1");

        harness.Send(Vm1, Broadcast(A));

        Assert.NotNull(stopped);
        Assert.Equal(0, stopped.Mirrored);
        Assert.Equal([Trunk, Vm2, Monitor], harness.DrainEgress().Select(copy => copy.Port));   // a plain flood again
        Assert.Null(harness.Engine.StopMirror("s1"));
    }

    [Fact]
    public void RspanReplacesTheFramesTagWithTheRspanVlanAndKeepsItsPriority()
    {
        var harness = Bridge();
        harness.Engine.StartMirror(new MirrorSession("r1", [Rx(Trunk), Rx(Vm1)], new RspanDestination(Monitor, 99)));
        byte[] tagged = new FrameBuilder().From(A).To(MacAddress.Broadcast).Tag(10, pcp: 5).Build();
        byte[] untagged = Broadcast(B);

        harness.Send(Trunk, tagged);
        harness.Send(Vm1, untagged);

        byte[][] copies = [.. harness.DrainEgress().Where(copy => copy.Port == Monitor).Select(copy => copy.Bytes)];
        Assert.Equal(2, copies.Length);
        byte[] expectedFromTrunk = [.. tagged[..12], 0x81, 0x00, 0xA0, 99, .. tagged[16..]];
        byte[] expectedFromVm = [.. untagged[..12], 0x81, 0x00, 0x00, 99, .. untagged[12..]];
        Assert.Equal(expectedFromTrunk, copies[0]);
        Assert.Equal(expectedFromVm, copies[1]);
    }

    [Fact]
    public void ErspanWrapsEachCopyWithTheSessionsNextSequenceNumber()
    {
        var harness = Bridge();
        var tunnel = new ErspanTunnel(ErspanVersion.TypeII, 7, MacAddress.Parse("02:00:00:00:00:01"), MacAddress.Parse("02:00:00:00:00:02"), 0x0A000001, 0x0A000002);
        MirrorSession session = new("e1", [Rx(Vm1)], new ErspanDestination(Monitor, tunnel));
        harness.Engine.StartMirror(session);
        byte[] first = Broadcast(A);
        byte[] second = Broadcast(B);

        harness.Send(Vm1, first);
        harness.Send(Vm1, second);

        byte[][] copies = [.. harness.DrainEgress().Where(copy => copy.Port == Monitor).Select(copy => copy.Bytes)];
        Assert.Equal(2, copies.Length);
        Assert.Equal(first, copies[0][50..]);
        Assert.Equal(second, copies[1][50..]);
        Assert.Equal([0, 0, 0, 0], copies[0][38..42]);   // GRE sequence numbers 0, then 1
        Assert.Equal([0, 0, 0, 1], copies[1][38..42]);
        Assert.Equal([0x10, 0x0A, 0x00, 0x07], copies[0][42..46]);   // type II, VLAN 10 (vm1's PVID), session 7
        Assert.Equal([0, 0, 0, Vm1], copies[0][46..50]);             // index: the source port
    }

    [Fact]
    public void AVsiSourceTakesOnlyFramesToOrFromItsMacInItsVlan()
    {
        var harness = Bridge();
        MirrorSession session = Span("vsi", new CaptureSelector(Trunk) { Mac = A, Vid = 10 });
        harness.Engine.StartMirror(session);
        byte[] fromA = new FrameBuilder().From(A).To(MacAddress.Broadcast).Tag(10).Build();
        byte[] fromB = new FrameBuilder().From(B).To(MacAddress.Broadcast).Tag(10).Build();

        harness.Send(Trunk, fromA);
        harness.Send(Trunk, fromB);
        harness.Send(Vm1, new FrameBuilder().From(C).To(A).Build());   // to A, leaving by the trunk

        Assert.Equal(2, session.Mirrored);
        List<Delivered> copies = [.. harness.DrainEgress().Where(copy => copy.Port == Monitor)];
        Assert.Equal(fromA, copies[0].Bytes);
        Assert.Equal(A, MacAddress.Read(copies[1].Bytes));
    }

    [Fact]
    public void AnAclRuleMirrorsWhatItMatchesToItsSession()
    {
        AccessList acl = new()
        {
            Name = "watch",
            Rules =
            [
                new AclRule("arp", AclVerdict.Permit, new AclMatch { EtherType = EtherTypes.Arp }) { Actions = new AclActions { MirrorSession = "s1" } },
                new AclRule("rest", AclVerdict.Permit, new AclMatch()),
            ],
        };
        var harness = Bridge(vm1Acl: "watch", acls: [acl]);
        byte[] arp = new FrameBuilder().From(A).To(MacAddress.Broadcast).ArpRequest(0x0A000001, 0x0A000002).Build();
        harness.Send(Vm1, arp);   // no session of that name yet: the rule mirrors nothing
        harness.DrainEgress();
        Assert.Equal(0, harness.Engine.Counters(Monitor).Mirrored);
        MirrorSession session = new("s1", [], new SpanDestination(Monitor));
        harness.Engine.StartMirror(session);

        harness.Send(Vm1, arp);
        harness.Send(Vm1, Broadcast(A));

        Assert.Equal(1, session.Mirrored);
        Assert.Equal(arp, harness.DrainEgress().Single(copy => copy.Port == Monitor).Bytes);
    }

    [Fact]
    public void CopiesAreNeverMirroredAgain()
    {
        var harness = Bridge();
        var ring = new CaptureSession(new CaptureSelector(Monitor));
        MirrorSession watchMonitor = new("second", [Tx(Monitor)], new RingDestination(ring));
        harness.Engine.StartMirror(Span("first", Rx(Vm1)));
        harness.Engine.StartMirror(watchMonitor);

        harness.Send(Vm1, Broadcast(A));

        Assert.Single(harness.DrainEgress(), copy => copy.Port == Monitor);
        Assert.Equal(0, watchMonitor.Mirrored);
        Assert.Equal(0, ring.Captured);
    }

    [Fact]
    public void ARingDestinationHoldsTheCopiesAndCountsWhatAFullRingLost()
    {
        var harness = Bridge();
        var ring = new CaptureSession(new CaptureSelector(Vm1), capacity: 2);
        MirrorSession session = new("file", [Rx(Vm1)], new RingDestination(ring));
        harness.Engine.StartMirror(session);
        byte[][] frames = [.. Enumerable.Range(0, 3).Select(i => new FrameBuilder().From(A).To(MacAddress.Broadcast).Payload([(byte)i]).Build())];

        harness.Send(frames.Select(frame => (Vm1, frame)));

        var read = new CapturedFrame(ring.SnapLength);
        Assert.True(ring.TryRead(read));
        Assert.Equal(frames[0], read.Bytes.ToArray());
        Assert.False(read.Outbound);
        Assert.True(ring.TryRead(read));
        Assert.Equal(frames[1], read.Bytes.ToArray());
        Assert.False(ring.TryRead(read));
        Assert.Equal((2L, 1L), (session.Mirrored, session.Dropped(MirrorDropReason.RingFull)));
        Assert.Equal(3, harness.DrainEgress().Count(copy => copy.Port == Vm2));   // forwarding lost nothing
    }

    [Fact]
    public void AFullDestinationQueueLosesMirrorCopiesNotForwardedFrames()
    {
        var harness = Bridge(options: new BridgeEngineOptions { EgressQueueCapacity = 2 });
        MirrorSession session = Span("s1", Rx(Vm1));
        harness.Engine.StartMirror(session);
        byte[] toB = new FrameBuilder().From(A).To(B).Build();
        harness.Send(Vm2, Broadcast(B));   // B learned on vm2
        harness.DrainEgress();

        for (int i = 0; i < 3; i++)
        {
            harness.Send(Vm1, toB);
            while (harness.Engine.Egress(Vm2).TryDequeue(out FrameBuffer? sent))
            {
                harness.Pool.Release(sent);   // vm2 keeps up; the monitor port does not
            }
            Assert.Equal(i + 1, harness.Engine.Counters(Vm2).TxFrames);
        }

        Assert.Equal((2L, 1L), (session.Mirrored, session.Dropped(MirrorDropReason.QueueFull)));
        Assert.Equal(2, harness.DrainEgress().Count(copy => copy.Port == Monitor));
    }

    [Fact]
    public void WithNoBufferLeftTheCopyIsCountedLostAndTheFrameStillForwarded()
    {
        var harness = Bridge(poolSize: 1);
        MirrorSession session = Span("s1", Rx(Vm1));
        harness.Engine.StartMirror(session);
        harness.Send(Vm2, new FrameBuilder().From(B).To(A).Build());   // B on vm2 (flooded: the pool's one buffer goes around)
        harness.DrainEgress();

        harness.Send(Vm1, new FrameBuilder().From(A).To(B).Build());

        Assert.Equal(Vm2, Assert.Single(harness.DrainEgress()).Port);
        Assert.Equal(1, session.Dropped(MirrorDropReason.PoolExhausted));
        Assert.Equal(0, session.Mirrored);
    }

    [Fact]
    public void ADestinationThatDoesNotForwardLosesTheCopiesCounted()
    {
        var harness = Bridge(monitorState: PortState.Disabled);
        MirrorSession session = Span("s1", Rx(Vm1));
        harness.Engine.StartMirror(session);

        harness.Send(Vm1, Broadcast(A));

        Assert.Equal(1, session.Dropped(MirrorDropReason.DestinationDown));
        Assert.DoesNotContain(harness.DrainEgress(), copy => copy.Port == Monitor);
    }

    [Fact]
    public void ASourceThatIsTheDestinationIsRefused()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new MirrorSession("loop", [Rx(Monitor)], new SpanDestination(Monitor)));

        Assert.Contains("both a source and the destination", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoSessionsCannotShareAName()
    {
        var harness = Bridge();

        Assert.True(harness.Engine.StartMirror(Span("s1", Rx(Vm1))));
        Assert.False(harness.Engine.StartMirror(Span("s1", Rx(Vm2))));
        Assert.Single(harness.Engine.MirrorSessions);
    }

    [Fact]
    public void ARunningSessionAllocatesNothingPerFrame()
    {
        var harness = Bridge();
        MirrorSession session = Span("s1", Rx(Vm1));
        harness.Engine.StartMirror(session);
        harness.Send(Vm2, Broadcast(B));
        harness.DrainEgress();
        byte[][] frames = [new FrameBuilder().From(A).To(B).Build(), Broadcast(A)];
        int[] ports = [Vm1, Vm1];
        var batch = new FrameBuffer[frames.Length];
        harness.SendRecycled(frames, ports, batch, rounds: 50);   // warm-up: first calls and tiering are not per frame

        long allocated = AllocationProbe.LeastOf(3, () => harness.SendRecycled(frames, ports, batch, rounds: 200));

        Assert.Equal(0, allocated);
        Assert.Equal(1300, session.Mirrored);
    }
}
