// Live capture in the engine (CaptureSession, CaptureTaps): a session sees a port's frames as they
// arrive (before retagging) and as they leave (in their egress form), each dropped frame with the
// reason the bridge counted; it takes no buffer from forwarding, a full ring loses capture frames
// (counted) and never forwarded ones, it ends itself after its frame budget, and a stopped session
// sees nothing more. Each case checks the capture against what the egress queues and counters hold.
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Capture;

public sealed class CaptureSessionTests
{
    private static readonly MacAddress A = MacAddress.Parse("52:54:00:00:00:0a");
    private static readonly MacAddress B = MacAddress.Parse("52:54:00:00:00:0b");
    private static readonly MacAddress C = MacAddress.Parse("52:54:00:00:00:0c");

    // p0: trunk carrying VLAN 10 tagged; p1 and p2: access ports of VLAN 10.
    private static BridgeHarness Bridge(BridgeEngineOptions? options = null) => new(new BridgeConfig
    {
        Ports =
        [
            new PortConfig { Name = "trunk", Vlans = PortVlans.Trunk(VlanSet.Of(10)) },
            new PortConfig { Name = "vm1", Vlans = PortVlans.Access(10) },
            new PortConfig { Name = "vm2", Vlans = PortVlans.Access(10) },
        ],
    }, options: options);

    private static List<CapturedFrame> ReadAll(CaptureSession session)
    {
        var frames = new List<CapturedFrame>();
        while (true)
        {
            var frame = new CapturedFrame(session.SnapLength);
            if (!session.TryRead(frame))
            {
                return frames;
            }
            frames.Add(frame);
        }
    }

    [Fact]
    public void InboundIsTheFrameAsItArrivedAndOutboundEachCopyInItsEgressForm()
    {
        var harness = Bridge();
        var trunkIn = new CaptureSession(new CaptureSelector(0) { Outbound = false });
        var vmOut = new CaptureSession(new CaptureSelector(1) { Inbound = false });
        Assert.True(harness.Engine.StartCapture(trunkIn));
        Assert.True(harness.Engine.StartCapture(vmOut));
        byte[] tagged = new FrameBuilder().From(A).To(MacAddress.Broadcast).Tag(10, pcp: 5).Build();

        harness.Send(0, tagged);

        List<Delivered> delivered = harness.DrainEgress();
        CapturedFrame inbound = Assert.Single(ReadAll(trunkIn));
        Assert.Equal(tagged, inbound.Bytes.ToArray());
        Assert.False(inbound.Outbound);
        Assert.Equal(0, inbound.Port);
        Assert.Null(inbound.Dropped);
        Assert.Equal(tagged.Length, inbound.OriginalLength);
        CapturedFrame outbound = Assert.Single(ReadAll(vmOut));
        Assert.True(outbound.Outbound);
        Assert.Equal(1, outbound.Port);
        Assert.Equal(delivered.Single(copy => copy.Port == 1).Bytes, outbound.Bytes.ToArray());   // untagged, as the access port sent it
        Assert.Equal(tagged.Length - 4, outbound.Length);
    }

    [Fact]
    public void ADroppedFrameIsCapturedWithTheReasonTheBridgeCounted()
    {
        var harness = Bridge();
        var session = new CaptureSession(new CaptureSelector(0));
        harness.Engine.StartCapture(session);
        byte[] wrongVlan = new FrameBuilder().From(A).To(B).Tag(20).Build();

        harness.Send(0, wrongVlan);

        CapturedFrame captured = Assert.Single(ReadAll(session));
        Assert.Equal(DropReason.IngressVlanFiltered, captured.Dropped);
        Assert.Equal(wrongVlan, captured.Bytes.ToArray());
        Assert.Equal(1, harness.Engine.Counters(0).DroppedFor(DropReason.IngressVlanFiltered));
    }

    [Fact]
    public void ACopyDroppedOnTheWayOutIsCapturedOutboundWithItsReason()
    {
        var harness = Bridge(new BridgeEngineOptions { EgressQueueCapacity = 2 });
        var session = new CaptureSession(new CaptureSelector(1) { Inbound = false });
        harness.Engine.StartCapture(session);
        harness.Send(1, new FrameBuilder().From(B).To(A).Build());   // B learned on vm1
        harness.DrainEgress();
        ReadAll(session);

        harness.Send([.. Enumerable.Range(0, 3).Select(i => (2, new FrameBuilder().From(C).To(B).Payload([(byte)i]).Build()))]);

        List<CapturedFrame> captured = ReadAll(session);
        Assert.Equal(3, captured.Count);
        Assert.Equal([null, null, DropReason.EgressQueueFull], captured.Select(frame => frame.Dropped));
        Assert.Equal(1, harness.Engine.Counters(1).EgressDroppedFor(DropReason.EgressQueueFull));
        Assert.Equal(2, harness.DrainEgress().Count(copy => copy.Port == 1));
    }

    [Fact]
    public void AFullRingLosesCaptureFramesAndCountsThemWhileEveryFrameIsForwarded()
    {
        var harness = Bridge();
        var session = new CaptureSession(new CaptureSelector(1), capacity: 4);
        harness.Engine.StartCapture(session);
        int poolBefore = harness.Pool.AvailableCount;

        harness.Send([.. Enumerable.Range(0, 10).Select(i => (1, new FrameBuilder().From(B).To(MacAddress.Broadcast).Payload([(byte)i]).Build()))]);

        Assert.Equal(4, session.Captured);
        Assert.Equal(6, session.Lost);
        Assert.Equal(4, ReadAll(session).Count);
        Assert.Equal(20, harness.DrainEgress().Count);   // ten frames, each flooded to two ports
        Assert.Equal(poolBefore, harness.Pool.AvailableCount);   // the capture took no buffer from forwarding
    }

    [Fact]
    public void TheMacAndVlanSelectorsTakeOnlyTheirFramesAndTheFilterTheRest()
    {
        var harness = Bridge();
        var onlyC = new CaptureSession(new CaptureSelector(0) { Mac = C, Outbound = false });
        var onlyVlan20 = new CaptureSession(new CaptureSelector(0) { Vid = 20, Outbound = false });
        var onlyLong = new CaptureSession(new CaptureSelector(0) { Filter = new LongerThan(80), Outbound = false });
        foreach (CaptureSession session in new[] { onlyC, onlyVlan20, onlyLong })
        {
            harness.Engine.StartCapture(session);
        }

        harness.Send(
        [
            (0, new FrameBuilder().From(A).To(C).Tag(10).Build()),
            (0, new FrameBuilder().From(A).To(B).Tag(20).Build()),
            (0, new FrameBuilder().From(C).To(B).Tag(10).Payload(new byte[100]).Build()),
        ]);

        List<CapturedFrame> withC = ReadAll(onlyC);
        Assert.Equal(2, withC.Count);
        Assert.All(withC, frame => Assert.True(MacAddress.Read(frame.Bytes) == C || MacAddress.Read(frame.Bytes[6..]) == C));
        CapturedFrame vlan20 = Assert.Single(ReadAll(onlyVlan20));
        Assert.Equal(DropReason.IngressVlanFiltered, vlan20.Dropped);
        Assert.True(Assert.Single(ReadAll(onlyLong)).Length > 80);
    }

    [Fact]
    public void AFrameBudgetEndsTheCaptureAndAStoppedCaptureTakesNothingMore()
    {
        var harness = Bridge();
        var budget = new CaptureSession(new CaptureSelector(1), maxFrames: 3);
        var stopped = new CaptureSession(new CaptureSelector(1));
        harness.Engine.StartCapture(budget);
        harness.Engine.StartCapture(stopped);
        byte[] frame = new FrameBuilder().From(B).To(MacAddress.Broadcast).Build();

        harness.Send([.. Enumerable.Range(0, 5).Select(_ => (1, frame))]);
        harness.Engine.StopCapture(stopped);
        harness.Send(1, frame);

        Assert.False(budget.Completed);   // three frames wait to be read
        Assert.Equal(3, ReadAll(budget).Count);
        Assert.True(budget.Completed);
        Assert.Equal(5, ReadAll(stopped).Count);
        Assert.Equal(0, budget.Lost);
        Assert.Equal(12, harness.DrainEgress().Count);   // all six frames flooded to two ports
    }

    [Fact]
    public void AByteBudgetEndsTheCaptureOnceThatManyBytesAreTaken()
    {
        var harness = Bridge();
        byte[] frame = new FrameBuilder().From(B).To(MacAddress.Broadcast).Build();   // 60 bytes
        var session = new CaptureSession(new CaptureSelector(1) { Outbound = false }, maxBytes: 150);
        harness.Engine.StartCapture(session);

        harness.Send([.. Enumerable.Range(0, 5).Select(_ => (1, frame))]);

        Assert.Equal(3, ReadAll(session).Count);   // 60 + 60 reach 120 < 150; the third takes it to 180 and ends it
        Assert.True(session.Completed);
        Assert.Equal(0, session.Lost);
    }

    [Fact]
    public void NoMoreThanEightCapturesRunOnOneEngine()
    {
        var harness = Bridge();
        for (int i = 0; i < CaptureTaps.MaxSessions; i++)
        {
            Assert.True(harness.Engine.StartCapture(new CaptureSession(new CaptureSelector(i % 3))));
        }

        Assert.False(harness.Engine.StartCapture(new CaptureSession(new CaptureSelector(0))));
    }

    [Fact]
    public void ForwardingWithAndWithoutACaptureRunningAllocatesNothingPerFrame()
    {
        var harness = Bridge();
        byte[][] frames = [.. Enumerable.Range(0, 64).Select(i => new FrameBuilder().From(B).To(i % 2 == 0 ? A : MacAddress.Broadcast).Build())];
        int[] ports = [.. Enumerable.Repeat(1, 64)];
        var batch = new FrameBuffer[64];
        harness.SendRecycled(frames, ports, batch, rounds: 20);
        var session = new CaptureSession(new CaptureSelector(1), capacity: 64);
        var reader = new CapturedFrame(session.SnapLength);

        long without = Measure(() => harness.SendRecycled(frames, ports, batch, rounds: 50));
        harness.Engine.StartCapture(session);
        void CaptureRounds(int rounds)
        {
            for (int round = 0; round < rounds; round++)
            {
                harness.SendRecycled(frames, ports, batch, rounds: 1);
                while (session.TryRead(reader))
                {
                }
            }
        }
        CaptureRounds(20);   // warm-up: one-time costs (first calls, tiering) are not per frame
        long with = Measure(() => CaptureRounds(50));

        Assert.Equal((0L, 0L), (without, with));
        Assert.True(session.Captured > 0);
    }

    private static long Measure(Action action) => AllocationProbe.LeastOf(3, action);

    private sealed class LongerThan(int length) : IFrameFilter
    {
        public bool Matches(ReadOnlySpan<byte> frame) => frame.Length > length;
    }
}
