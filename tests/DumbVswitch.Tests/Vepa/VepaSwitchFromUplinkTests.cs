// VEPA receive (macvlan_handle_frame / macvlan_broadcast): unicast to the VM owning the destination
// MAC, group frames to every VM of the VLAN except the one whose MAC is the source, so that the
// adjacent bridge's reflection of a VM's broadcast reaches each neighbour once and never its sender.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.DumbVswitch.Vepa;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Vepa;

public sealed class VepaSwitchFromUplinkTests
{
    private readonly VepaSwitch _switch = new(Standard());
    private readonly RecordingEgress _egress = new();

    [Fact]
    public void UnicastGoesToTheVmWithThatMac()
    {
        byte[] frame = Frame(Outside, Mac3);

        _switch.FromUplink(frame, _egress);

        Assert.Equal([Vm3], _egress.Ports);
        Assert.Equal(frame, _egress.Sent[0].Frame);
    }

    [Fact]
    public void UnicastToAMacNoVmHasIsCountedAndDropped()
    {
        _switch.FromUplink(Frame(Mac1, Outside), _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Uplink.DroppedFor(VepaDropReason.UnknownUnicast));
    }

    [Fact]
    public void ReflectedBroadcastReachesEveryOtherVmOfTheVlanExactlyOnceAndNeverItsSender()
    {
        byte[] broadcast = Frame(Mac1, MacAddress.Broadcast);
        _switch.FromVm(Vm1, broadcast, _egress);
        byte[] reflected = Assert.Single(_egress.To(RecordingEgress.Uplink));
        _egress.Sent.Clear();

        _switch.FromUplink(reflected, _egress);

        Assert.Equal([Vm2, Vm3], _egress.Ports);
        Assert.All(_egress.Sent, s => Assert.Equal(broadcast, s.Frame));
        Assert.Equal(0, _switch.Vms[Vm1].TxFrames);
    }

    [Fact]
    public void ReflectedBroadcastOfAVlanVmReachesOnlyTheOtherVmsOfThatVlanUntagged()
    {
        byte[] broadcast = Frame(Mac10A, MacAddress.Broadcast);
        _switch.FromVm(Vm10A, broadcast, _egress);
        byte[] reflected = Assert.Single(_egress.To(RecordingEgress.Uplink));
        _egress.Sent.Clear();

        _switch.FromUplink(reflected, _egress);

        Assert.Equal([Vm10B], _egress.Ports);
        Assert.Equal(broadcast, _egress.Sent[0].Frame);
    }

    [Fact]
    public void MulticastFromOutsideGoesToEveryVmOfTheVlan()
    {
        _switch.FromUplink(Frame(Outside, MacAddress.Parse("01:00:5e:01:02:03")), _egress);

        Assert.Equal([Vm1, Vm2, Vm3], _egress.Ports);
        Assert.Equal(1, _switch.Uplink.Flooded);
    }

    [Fact]
    public void TaggedFrameIsUntaggedAndDeliveredToVmsOfItsVlanOnly()
    {
        _switch.FromUplink(Frame(Outside, MacAddress.Broadcast, vlan: 10), _egress);

        Assert.Equal([Vm10A, Vm10B], _egress.Ports);
        Assert.All(_egress.Sent, s => Assert.Equal(Frame(Outside, MacAddress.Broadcast), s.Frame));
    }

    [Fact]
    public void UntaggedFrameReachesOnlyVmsWithoutVlan()
    {
        _switch.FromUplink(Frame(Outside, MacAddress.Broadcast), _egress);

        Assert.Equal([Vm1, Vm2, Vm3], _egress.Ports);
    }

    [Fact]
    public void PriorityTaggedFrameCountsAsUntagged()
    {
        _switch.FromUplink(Frame(Outside, Mac2, vlan: 0), _egress);

        Assert.Equal([Vm2], _egress.Ports);
    }

    [Fact]
    public void TaggedFrameForAVlanWithoutVmsIsCountedAndDropped()
    {
        _switch.FromUplink(Frame(Outside, MacAddress.Broadcast, vlan: 20), _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Uplink.DroppedFor(VepaDropReason.NoVmInVlan));
    }

    [Fact]
    public void UntaggedFrameWhenEveryVmHasAVlanIsCountedAsNoVmInVlan()
    {
        var tagged = new VepaSwitch([Vm("a", Mac1, vlan: 5)]);

        tagged.FromUplink(Frame(Outside, MacAddress.Broadcast), _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, tagged.Uplink.DroppedFor(VepaDropReason.NoVmInVlan));
    }

    [Fact]
    public void UnicastToAVmMacInAnotherVlanIsUnknown()
    {
        _switch.FromUplink(Frame(Outside, Mac10A), _egress);
        _switch.FromUplink(Frame(Outside, Mac1, vlan: 10), _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(2, _switch.Uplink.DroppedFor(VepaDropReason.UnknownUnicast));
    }

    [Fact]
    public void OneMacInTwoVlansIsTwoVms()
    {
        var sameMac = new VepaSwitch([Vm("a", Mac1, vlan: 5), Vm("b", Mac1, vlan: 6)]);

        sameMac.FromUplink(Frame(Outside, Mac1, vlan: 6), _egress);

        Assert.Equal([1], _egress.Ports);
    }

    [Fact]
    public void ReflectionWhoseOnlyVmIsItsSenderIsCountedAsOwnReflection()
    {
        var alone = new VepaSwitch([Vm("a", Mac1)]);

        alone.FromUplink(Frame(Mac1, MacAddress.Broadcast), _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, alone.Uplink.DroppedFor(VepaDropReason.OwnReflection));
    }

    [Fact]
    public void WithAntiSpoofingOffASpoofedBroadcastComesBackToItsSender()
    {
        // As macvlan: only the VM owning the frame's source MAC is skipped, not the VM that sent it.
        var open = new VepaSwitch(Standard(antiSpoofing: false));
        open.FromVm(Vm1, Frame(Mac2, MacAddress.Broadcast), _egress);
        byte[] reflected = Assert.Single(_egress.To(RecordingEgress.Uplink));
        _egress.Sent.Clear();

        open.FromUplink(reflected, _egress);

        Assert.Equal([Vm1, Vm3], _egress.Ports);
    }

    [Fact]
    public void UnicastReflectedBackToItsSenderIsDelivered()
    {
        // A VM talking to its own MAC through the adjacent bridge: macvlan delivers by destination.
        _switch.FromUplink(Frame(Mac2, Mac2), _egress);

        Assert.Equal([Vm2], _egress.Ports);
    }

    [Theory]
    [InlineData(10)]     // runt
    [InlineData(14)]     // tag announced, cut short
    public void UnreadableFramesAreCountedMalformed(int size)
    {
        byte[] frame = Frame(Outside, Mac1, vlan: 10)[..size];
        if (size == 14)
        {
            frame[12] = 0x81;
            frame[13] = 0x00;
        }

        _switch.FromUplink(frame, _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Uplink.DroppedFor(VepaDropReason.Malformed));
    }

    [Fact]
    public void ReservedVid4095IsMalformed()
    {
        _switch.FromUplink(Frame(Outside, MacAddress.Broadcast, vlan: 4095), _egress);

        Assert.Equal(1, _switch.Uplink.DroppedFor(VepaDropReason.Malformed));
    }

    [Fact]
    public void ServiceTaggedFrameReachesNoVm()
    {
        byte[] frame = new FrameBuilder().From(Outside).To(MacAddress.Broadcast).ServiceTag(10).Build();

        _switch.FromUplink(frame, _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Uplink.DroppedFor(VepaDropReason.NoVmInVlan));
    }

    [Fact]
    public void PauseFrameFromTheUplinkIsNotRelayed()
    {
        byte[] pause = new FrameBuilder().From(Outside).To("01:80:c2:00:00:01").EtherType(0x8808).Build();

        _switch.FromUplink(pause, _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Uplink.DroppedFor(VepaDropReason.PauseFrame));
    }
}
