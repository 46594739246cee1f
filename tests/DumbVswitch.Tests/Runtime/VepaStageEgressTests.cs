// The stage's egress (QueueEgress, VepaStage.Transmit): the switch's copies wait in their port's ring
// until the batch is done and then leave together, in order; a copy that finds its ring full or no
// buffer free is counted by the switch with that reason; a port that falls behind keeps its copies,
// in order, and gets them before the transports stop. Every copy is accounted for and every buffer
// goes back to the pool.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Transports;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Runtime;

public sealed class VepaStageEgressTests
{
    private const int FromVm1 = 1 + Vm1;
    private const int ToVm2 = 1 + Vm2;

    /// <summary><paramref name="count"/> copies of <paramref name="frame"/>, numbered 0.. in their last four bytes.</summary>
    private static byte[][] Numbered(byte[] frame, int count) =>
        [.. Enumerable.Range(0, count).Select(number =>
        {
            byte[] copy = [.. frame];
            BinaryPrimitives.WriteInt32BigEndian(copy.AsSpan(copy.Length - 4), number);
            return copy;
        })];

    private static int NumberOf(byte[] frame) => BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(frame.Length - 4));

    [Fact]
    public void ABatchsCopiesWaitInTheirPortsRingAndOneTransmitHandsThemAllOverInOrder()
    {
        using var stage = new DrivenVepaStage(Standard());
        byte[][] burst = Numbered(Frame(Mac1, Outside), 50);

        stage.Process(FromVm1, burst);

        Assert.Equal(50, stage.Switch.Uplink.TxFrames);   // the switch's tx: handed to the port's ring
        Assert.True(stage.Uplink.Outbound.IsEmpty, "a copy left before the batch was done");
        Assert.Equal(stage.Pool.TotalCount - 50, stage.Pool.AvailableCount);

        Assert.False(stage.Transmit());

        Assert.Equal(burst, stage.TakeSent(DrivenVepaStage.UplinkPort));
        Assert.Equal(stage.Pool.TotalCount, stage.Pool.AvailableCount);
    }

    [Fact]
    public void ACopyForAFullRingIsCountedQueueFullOnItsPort()
    {
        using var stage = new DrivenVepaStage(Standard(), queueLength: 4);
        byte[][] burst = Numbered(Frame(Mac1, Outside), 10);

        stage.Process(FromVm1, burst);
        Assert.False(stage.Transmit());

        Assert.Equal(4, stage.Switch.Uplink.TxFrames);
        Assert.Equal(6, stage.Switch.Uplink.EgressDroppedFor(VepaDropReason.QueueFull));
        Assert.Equal(10, stage.Switch.Vms[Vm1].Forwarded);
        Assert.Equal(burst[..4], stage.TakeSent(DrivenVepaStage.UplinkPort));
        Assert.Equal(stage.Pool.TotalCount, stage.Pool.AvailableCount);
    }

    [Fact]
    public void ACopyWithNoBufferFreeIsCountedPoolExhaustedOnItsPort()
    {
        // Two buffers, both holding the batch's frames: the first frame's copy finds none; the second's
        // gets the buffer the first frame gave back once switched.
        using var stage = new DrivenVepaStage(Standard(), poolSize: 2);
        byte[][] frames = Numbered(Frame(Mac1, Outside), 2);

        stage.Process(FromVm1, frames);
        Assert.False(stage.Transmit());

        Assert.Equal(1, stage.Switch.Uplink.EgressDroppedFor(VepaDropReason.PoolExhausted));
        Assert.Equal(1, stage.Switch.Uplink.TxFrames);
        Assert.Equal("pool-exhausted", VepaDropReasons.Name(VepaDropReason.PoolExhausted));
        Assert.True(VepaDropReasons.IsEgress(VepaDropReason.PoolExhausted));
        Assert.Equal([frames[1]], stage.TakeSent(DrivenVepaStage.UplinkPort));
        Assert.Equal(2, stage.Pool.AvailableCount);
    }

    [Fact]
    public void ABroadcastsCopiesAreCountedPerPortWhenThePoolRunsDry()
    {
        // One buffer holds the received broadcast and one more is free: the first VM of the VLAN gets a
        // copy, the other two find no buffer, each counted on its own port.
        using var stage = new DrivenVepaStage(Standard(), poolSize: 2);

        stage.Process(DrivenVepaStage.UplinkPort, [Frame(Outside, MacAddress.Broadcast)]);
        Assert.False(stage.Transmit());

        Assert.Equal(1, stage.Switch.Vms[Vm1].TxFrames);
        Assert.Equal(1, stage.Switch.Vms[Vm2].EgressDroppedFor(VepaDropReason.PoolExhausted));
        Assert.Equal(1, stage.Switch.Vms[Vm3].EgressDroppedFor(VepaDropReason.PoolExhausted));
        Assert.Single(stage.TakeSent(1 + Vm1));
        Assert.Equal(2, stage.Pool.AvailableCount);
    }

    [Fact]
    public void APortThatFallsBehindKeepsItsCopiesInOrderAndGetsTheRestBeforeTheTransportsStop()
    {
        using var stage = new DrivenVepaStage(Standard(), outboundSlots: 4);
        byte[][] burst = Numbered(Frame(Outside, Mac2), 10);

        stage.Process(DrivenVepaStage.UplinkPort, burst);
        Assert.True(stage.Transmit(), "the backed-up port's copies should wait");
        List<byte[]> first = stage.TakeSent(ToVm2);   // the VM's pump catches up a little
        Assert.True(stage.Transmit());
        Assert.Equal(4, stage.Vms[Vm2].Outbound.Count);
        Assert.Empty(stage.TransportStops);

        stage.Stage.Stopped();
        Assert.False(stage.Transmit());   // the loop's last Transmit: the rest is handed over, then the transports may stop
        List<byte[]> second = stage.TakeSent(ToVm2);

        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], [.. first.Concat(second).Select(NumberOf)]);
        (int outbound, long txDropped) = Assert.Single(stage.TransportStops)[ToVm2];
        Assert.Equal(4, outbound);
        Assert.Equal(2, txDropped);   // Outbound was full: what it could not take is counted by the port
        Assert.Equal(2, stage.Vms[Vm2].Counters.Dropped(LinkDropReason.TxQueueFull));
        Assert.Equal(10, stage.Switch.Vms[Vm2].TxFrames);
        Assert.Equal(stage.Pool.TotalCount, stage.Pool.AvailableCount);
    }

    [Fact]
    public void WithNothingQueuedTheTransportsStopAfterTheLastTransmitOnce()
    {
        using var stage = new DrivenVepaStage(Standard());
        stage.Process(FromVm1, [Frame(Mac1, Outside)]);

        stage.Stage.Stopped();
        Assert.False(stage.Transmit());
        Assert.False(stage.Transmit());

        Assert.Single(stage.TransportStops);
        Assert.Single(stage.TakeSent(DrivenVepaStage.UplinkPort));
    }
}
