// Every frame is accounted for: received = forwarded + dropped on the ingress port, and every copy
// made is either sent or dropped (queue full, port down) on its egress port.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.DumbVswitch.Vepa;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Vepa;

public sealed class VepaSwitchCountersTests
{
    private readonly VepaSwitch _switch = new(Standard());
    private readonly RecordingEgress _egress = new();

    [Fact]
    public void FullQueueIsCountedOnThePortTheCopyWasFor()
    {
        _egress.Refuse(Vm2, EgressOutcome.QueueFull);

        _switch.FromUplink(Frame(Outside, MacAddress.Broadcast), _egress);

        Assert.Equal([Vm1, Vm3], _egress.Ports);
        Assert.Equal(1, _switch.Vms[Vm2].EgressDroppedFor(VepaDropReason.QueueFull));
        Assert.Equal(1, _switch.Uplink.Forwarded);
    }

    [Fact]
    public void CopyForAPortWhosePeerIsAwayIsCountedPortDown()
    {
        _egress.Refuse(RecordingEgress.Uplink, EgressOutcome.PortDown);

        _switch.FromVm(Vm1, Frame(Mac1, Mac2), _egress);

        Assert.Equal(1, _switch.Uplink.EgressDroppedFor(VepaDropReason.PortDown));
        Assert.Equal(0, _switch.Uplink.TxFrames);
    }

    [Fact]
    public void AVmThatIsDownIsNotFloodedToAndNothingIsCountedForIt()
    {
        _egress.Refuse(Vm2, EgressOutcome.PortDown);

        _switch.FromUplink(Frame(Outside, MacAddress.Broadcast), _egress);

        Assert.Equal([Vm1, Vm3], _egress.Ports);
        Assert.Equal(0, _switch.Vms[Vm2].EgressDroppedTotal);
        Assert.Equal((1L, 1L), (_switch.Uplink.Forwarded, _switch.Uplink.Flooded));
    }

    [Fact]
    public void AUnicastForAVmThatIsDownIsCountedPortDownOnIt()
    {
        _egress.Refuse(Vm2, EgressOutcome.PortDown);

        _switch.FromUplink(Frame(Outside, Mac2), _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Vms[Vm2].EgressDroppedFor(VepaDropReason.PortDown));
    }

    [Fact]
    public void AGroupFrameWhoseEveryOtherVmIsDownHasNoVmToGoTo()
    {
        _egress.Refuse(Vm1, EgressOutcome.PortDown);
        _egress.Refuse(Vm2, EgressOutcome.PortDown);
        _egress.Refuse(Vm3, EgressOutcome.PortDown);

        _switch.FromUplink(Frame(Outside, MacAddress.Broadcast), _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Uplink.DroppedFor(VepaDropReason.NoVmInVlan));
        Assert.Equal(0, _switch.Uplink.DroppedFor(VepaDropReason.OwnReflection));
        Assert.Equal(0, _switch.Vms.Sum(vm => vm.EgressDroppedTotal));
    }

    [Fact]
    public void EveryFrameReceivedIsForwardedOrDroppedForOneReason()
    {
        byte[][] fromUplink =
        [
            Frame(Outside, Mac1), Frame(Outside, Outside), Frame(Outside, MacAddress.Broadcast, vlan: 10),
            Frame(Outside, MacAddress.Broadcast, vlan: 99), Frame(Mac1, MacAddress.Broadcast), new byte[3],
        ];
        byte[][] fromVm1 = [Frame(Mac1, Mac2), Frame(Mac2, Mac1), Frame(Mac1, Outside, vlan: 7), new byte[5]];
        foreach (byte[] frame in fromUplink)
        {
            _switch.FromUplink(frame, _egress);
        }
        foreach (byte[] frame in fromVm1)
        {
            _switch.FromVm(Vm1, frame, _egress);
        }

        foreach (VepaPortCounters port in _switch.Vms.Append(_switch.Uplink))
        {
            Assert.Equal(port.RxFrames, port.Forwarded + port.DroppedTotal);
        }
        Assert.Equal(fromUplink.Length, _switch.Uplink.RxFrames);
        Assert.Equal(_egress.Sent.Count, _switch.Vms.Sum(vm => vm.TxFrames) + _switch.Uplink.TxFrames);
    }

    [Fact]
    public void DropReasonsHaveKebabCaseNames()
    {
        Assert.Equal("spoofed-source", VepaDropReasons.Name(VepaDropReason.SpoofedSource));
        Assert.Equal("no-vm-in-vlan", VepaDropReasons.Name(VepaDropReason.NoVmInVlan));
        Assert.Equal("queue-full", VepaDropReasons.Name(VepaDropReason.QueueFull));
        Assert.True(VepaDropReasons.IsEgress(VepaDropReason.QueueFull));
        Assert.False(VepaDropReasons.IsEgress(VepaDropReason.UnknownUnicast));
    }

    [Fact]
    public void TwoVmsWithOneMacInOneVlanAreRefused()
    {
        var exception = Assert.Throws<ArgumentException>(() => new VepaSwitch([Vm("a", Mac1), Vm("b", Mac1)]));
        Assert.Contains("share MAC", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("01:00:5e:00:00:01", null)]
    [InlineData("00:00:00:00:00:00", null)]
    [InlineData("02:00:00:00:00:01", 0)]
    [InlineData("02:00:00:00:00:01", 4095)]
    public void VmsThatCannotBeSwitchedAreRefused(string mac, int? vlan) =>
        Assert.Throws<ArgumentException>(() => new VepaSwitch([Vm("a", MacAddress.Parse(mac), vlan)]));

    [Fact]
    public void AVmCannotBeNamedLikeTheUplink() =>
        Assert.Throws<ArgumentException>(() => new VepaSwitch([Vm("uplink", Mac1)]));
}
