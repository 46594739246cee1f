// Frames to the MVRP address (01-80-C2-00-00-21) as each port's MvrpFrames says: relayed as multicast
// by a bridge that runs no MVRP (the Linux bridge's behaviour), trapped on a port that runs it, dropped
// and counted on the other ports of a bridge that runs it, tagged or not (what a tag means is the MVRP
// plane's to decide, from the PDU); trace tells the same story.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class MvrpFrameTests
{
    private static readonly MacAddress Neighbour = MacAddress.Parse("52:54:00:00:00:0a");
    private static readonly MacAddress Mvrp = new(MacAddress.MvrpValue);

    private static BridgeHarness Bridge(params MvrpFrames[] modes) =>
        BridgeHarness.WithPorts([.. modes.Select((mode, i) => new PortConfig { Name = $"p{i}", MvrpFrames = mode })]);

    private static byte[] Mvrpdu() => new FrameBuilder().From(Neighbour).To(Mvrp).EtherType(0x88F5).Payload([0, 1, 2, 0, 0, 0, 0]).Build();

    [Fact]
    public void ABridgeWithoutMvrpRelaysMvrpdusAsMulticast()
    {
        var harness = Bridge(MvrpFrames.Relay, MvrpFrames.Relay, MvrpFrames.Relay);

        FrameDisposition disposition = harness.SendFor(0, Mvrpdu());

        Assert.Equal(DispositionKind.Flooded, disposition.Kind);
        Assert.Equal([1, 2], harness.DrainEgress().Select(copy => copy.Port).Order());
        Assert.Empty(harness.DrainControlPlane());
    }

    [Fact]
    public void AnMvrpPortTrapsMvrpdusToTheControlPlane()
    {
        var harness = Bridge(MvrpFrames.Trap, MvrpFrames.Trap);

        FrameDisposition disposition = harness.SendFor(0, Mvrpdu());

        Assert.Equal(DispositionKind.ControlPlane, disposition.Kind);
        Assert.Empty(harness.DrainEgress());
        Delivered trapped = Assert.Single(harness.DrainControlPlane());
        Assert.Equal(0, trapped.Port);   // the port it arrived on
        Assert.Equal(1, harness.Engine.Counters(0).Trapped);
    }

    [Theory]
    [InlineData(0, 7)]    // priority-tagged, as switches send control frames
    [InlineData(10, 0)]   // tagged with a VID the port is not even a member of
    public void AnMvrpPortTrapsTaggedMvrpdusTooForThePlaneToJudge(int vid, int pcp)
    {
        var harness = Bridge(MvrpFrames.Trap, MvrpFrames.Trap);
        byte[] tagged = new FrameBuilder().From(Neighbour).To(Mvrp).Tag(vid, pcp).EtherType(0x88F5).Payload([0, 1, 2, 0, 0, 0, 0]).Build();

        FrameDisposition disposition = harness.SendFor(0, tagged);

        Assert.Equal(DispositionKind.ControlPlane, disposition.Kind);
        Assert.Equal(tagged, Assert.Single(harness.DrainControlPlane()).Bytes);   // as it arrived, tag and all
        Assert.Empty(harness.DrainEgress());
    }

    [Fact]
    public void APortWithoutMvrpOnAnMvrpBridgeDropsMvrpdusAndCountsThem()
    {
        var harness = Bridge(MvrpFrames.Trap, MvrpFrames.Discard);

        FrameDisposition disposition = harness.SendFor(1, Mvrpdu());

        Assert.Equal(DispositionKind.Dropped, disposition.Kind);
        Assert.Equal(DropReason.MvrpOffOnPort, disposition.Reason);
        Assert.Empty(harness.DrainEgress());
        Assert.Empty(harness.DrainControlPlane());
        Assert.Equal(1, harness.Engine.Counters(1).DroppedFor(DropReason.MvrpOffOnPort));
    }

    [Fact]
    public void OtherMulticastIsUntouchedOnAnMvrpPort()
    {
        var harness = Bridge(MvrpFrames.Trap, MvrpFrames.Trap);
        byte[] mmrp = new FrameBuilder().From(Neighbour).To(new MacAddress(MacAddress.MvrpValue - 1)).EtherType(0x88F6).Build();   // 01-80-C2-00-00-20, MMRP

        FrameDisposition disposition = harness.SendFor(0, mmrp);

        Assert.Equal(DispositionKind.Flooded, disposition.Kind);
        Assert.Empty(harness.DrainControlPlane());
    }

    [Fact]
    public void TraceSaysWhatEachPortDoesWithAnMvrpdu()
    {
        var harness = Bridge(MvrpFrames.Trap, MvrpFrames.Discard);
        var relaying = Bridge(MvrpFrames.Relay, MvrpFrames.Relay);

        FrameTrace trapped = harness.Engine.Trace(0, Mvrpdu());
        FrameTrace dropped = harness.Engine.Trace(1, Mvrpdu());
        FrameTrace relayed = relaying.Engine.Trace(0, Mvrpdu());

        Assert.Equal(TraceOutcome.Trapped, trapped.Verdict.Outcome);
        Assert.Contains(trapped.Stages, stage => stage.Text.Contains("(MVRP): the port runs MVRP -> trapped", StringComparison.Ordinal));
        Assert.Equal(DropReason.MvrpOffOnPort, dropped.Verdict.Reason);
        Assert.Contains(relayed.Stages, stage => stage.Text.Contains("this bridge runs no MVRP", StringComparison.Ordinal));
        Assert.Equal(0, harness.Engine.Counters(0).Trapped);   // tracing traps nothing
    }
}
