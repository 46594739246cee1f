// VEPA transmit (macvlan_queue_xmit in VEPA mode): everything a VM sends goes to the uplink, never
// straight to a neighbour; access VLAN tagging and anti-spoofing happen on the way.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.DumbVswitch.Vepa;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Vepa;

public sealed class VepaSwitchFromVmTests
{
    private readonly VepaSwitch _switch = new(Standard());
    private readonly RecordingEgress _egress = new();

    [Fact]
    public void UnicastToAnotherLocalVmGoesToTheUplinkNotToTheVm()
    {
        byte[] frame = Frame(Mac1, Mac2);

        _switch.FromVm(Vm1, frame, _egress);

        Assert.Equal([RecordingEgress.Uplink], _egress.Ports);
        Assert.Equal(frame, _egress.Sent[0].Frame);
        Assert.Equal(0, _switch.Vms[Vm2].TxFrames);
    }

    [Fact]
    public void BroadcastFromAVmGoesOnlyToTheUplink()
    {
        _switch.FromVm(Vm1, Frame(Mac1, MacAddress.Broadcast), _egress);

        Assert.Equal([RecordingEgress.Uplink], _egress.Ports);
    }

    [Fact]
    public void FrameFromAVmWithAnAccessVlanIsCTaggedOnTheUplink()
    {
        _switch.FromVm(Vm10A, Frame(Mac10A, Mac10B), _egress);

        byte[] sent = Assert.Single(_egress.To(RecordingEgress.Uplink));
        Assert.Equal(Frame(Mac10A, Mac10B, vlan: 10), sent);
        var ethernet = new EthernetReader(sent);
        Assert.Equal(EtherTypes.CustomerVlan, ethernet.OuterTagProtocol);
        Assert.Equal(10, ethernet.OuterVid);
    }

    [Fact]
    public void FrameFromAnUntaggedVmLeavesUntagged()
    {
        byte[] frame = Frame(Mac2, Outside);

        _switch.FromVm(Vm2, frame, _egress);

        Assert.Equal(frame, Assert.Single(_egress.To(RecordingEgress.Uplink)));
    }

    [Fact]
    public void TagAVmWroteItselfStaysInsideItsAccessVlanTag()
    {
        // The access tag is always pushed, so a VM can reach no VLAN but its own on the uplink.
        byte[] frame = Frame(Mac10A, Outside, vlan: 20);

        _switch.FromVm(Vm10A, frame, _egress);

        var ethernet = new EthernetReader(Assert.Single(_egress.To(RecordingEgress.Uplink)));
        Assert.Equal(2, ethernet.TagCount);
        Assert.Equal(10, ethernet.OuterVid);
    }

    [Fact]
    public void TaggedFrameFromAVmWithoutVlanIsDroppedAndCounted()
    {
        _switch.FromVm(Vm1, Frame(Mac1, Outside, vlan: 10), _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Vms[Vm1].DroppedFor(VepaDropReason.TaggedFromUntaggedVm));
    }

    [Fact]
    public void PriorityTaggedFrameFromAVmWithoutVlanIsStillUntaggedAndGoesOut()
    {
        byte[] frame = Frame(Mac1, Outside, vlan: 0);

        _switch.FromVm(Vm1, frame, _egress);

        Assert.Equal(frame, Assert.Single(_egress.To(RecordingEgress.Uplink)));
    }

    [Fact]
    public void SpoofedSourceIsDroppedAndCountedWithAntiSpoofingOn()
    {
        _switch.FromVm(Vm1, Frame(Mac2, MacAddress.Broadcast), _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Vms[Vm1].DroppedFor(VepaDropReason.SpoofedSource));
        Assert.Equal(0, _switch.Uplink.TxFrames);
    }

    [Fact]
    public void SpoofedSourceGoesToTheUplinkWithAntiSpoofingOff()
    {
        var open = new VepaSwitch(Standard(antiSpoofing: false));

        open.FromVm(Vm1, Frame(Outside, MacAddress.Broadcast), _egress);

        Assert.Equal([RecordingEgress.Uplink], _egress.Ports);
        Assert.Equal(0, open.Vms[Vm1].DroppedTotal);
    }

    [Fact]
    public void FrameThatWouldOutgrowTheMaximumOnceTaggedIsDroppedAndCounted()
    {
        var small = new VepaSwitch(Standard(), maxFrameSize: 100);
        byte[] frame = new FrameBuilder().From(Mac10A).To(Outside).Payload(new byte[100 - 14]).Build();

        small.FromVm(Vm10A, frame, _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, small.Vms[Vm10A].DroppedFor(VepaDropReason.TooLargeToTag));
    }

    [Fact]
    public void RuntFrameFromAVmIsCountedMalformed()
    {
        _switch.FromVm(Vm1, new byte[10], _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Vms[Vm1].DroppedFor(VepaDropReason.Malformed));
    }

    [Fact]
    public void PauseFrameFromAVmIsNotRelayed()
    {
        byte[] pause = new FrameBuilder().From(Mac1).To("01:80:c2:00:00:01").EtherType(0x8808).Build();

        _switch.FromVm(Vm1, pause, _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Vms[Vm1].DroppedFor(VepaDropReason.PauseFrame));
    }

    [Fact]
    public void RxAndTxCountersCountFramesAndBytes()
    {
        _switch.FromVm(Vm10A, Frame(Mac10A, Outside), _egress);

        VepaPortCounters vm = _switch.Vms[Vm10A];
        Assert.Equal((1, 60, 1), (vm.RxFrames, vm.RxBytes, vm.Forwarded));
        Assert.Equal((1, 64), (_switch.Uplink.TxFrames, _switch.Uplink.TxBytes));
    }
}
