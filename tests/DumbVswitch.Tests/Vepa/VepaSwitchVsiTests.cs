// A VM with a VSI on the VEPA data path: held (nothing either way, counted) until the station reports
// it associated, then on the VID the bridge gave it; and a station uplink's address kept from the VMs.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.DumbVswitch.Vepa;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests.Vepa;

public sealed class VepaSwitchVsiTests
{
    private const int VsiVm = 0;
    private const int PlainVm = 1;
    private static readonly MacAddress NearestBridge = MacAddress.Parse("01:80:c2:00:00:00");

    private readonly VepaSwitch _switch = new([Vm("vsi", Mac1, vsi: Vsi()), Vm("plain", Mac2)], evbStation: true);
    private readonly RecordingEgress _egress = new();

    private void Associate(int vid) => _switch.SetVsiAccess([new VsiAccess(true, vid), VsiAccess.Held]);

    [Fact]
    public void HeldVsiPassesNothingEitherWayAndEveryDropIsCounted()
    {
        _switch.FromVm(VsiVm, Frame(Mac1, Outside), _egress);
        _switch.FromUplink(Frame(Outside, Mac1), _egress);
        _switch.FromUplink(Frame(Outside, Mac1, vlan: 10), _egress);
        _switch.FromUplink(Frame(Outside, MacAddress.Broadcast), _egress);

        Assert.Equal([PlainVm], _egress.Ports);   // only the broadcast, to the other VM
        Assert.Equal(1, _switch.Vms[VsiVm].DroppedFor(VepaDropReason.VsiNotAssociated));
        Assert.Equal(2, _switch.Uplink.DroppedFor(VepaDropReason.VsiNotAssociated));
        Assert.Equal(0, _switch.Vms[VsiVm].TxFrames);
    }

    [Fact]
    public void AssociatedVsiIsTaggedWithTheBridgesVidOnTheUplinkAndUntaggedTowardsTheVm()
    {
        Associate(10);

        _switch.FromVm(VsiVm, Frame(Mac1, Outside), _egress);
        _switch.FromUplink(Frame(Outside, Mac1, vlan: 10), _egress);
        _switch.FromUplink(Frame(Outside, Mac1), _egress);   // untagged: not its VLAN any more

        Assert.Equal(Frame(Mac1, Outside, vlan: 10), Assert.Single(_egress.To(RecordingEgress.Uplink)));
        Assert.Equal(Frame(Outside, Mac1), Assert.Single(_egress.To(VsiVm)));
        Assert.Equal(1, _switch.Uplink.DroppedFor(VepaDropReason.UnknownUnicast));
    }

    [Fact]
    public void VsiAssociatedOnVidZeroIsUntagged()
    {
        Associate(0);

        _switch.FromVm(VsiVm, Frame(Mac1, Outside), _egress);
        _switch.FromUplink(Frame(Outside, Mac1), _egress);

        Assert.Equal(Frame(Mac1, Outside), Assert.Single(_egress.To(RecordingEgress.Uplink)));
        Assert.Equal(Frame(Outside, Mac1), Assert.Single(_egress.To(VsiVm)));
    }

    [Fact]
    public void VsiHeldAgainPassesNothingAgain()
    {
        Associate(10);
        _switch.SetVsiAccess([VsiAccess.Held, VsiAccess.Held]);

        _switch.FromVm(VsiVm, Frame(Mac1, Outside), _egress);
        _switch.FromUplink(Frame(Outside, Mac1, vlan: 10), _egress);

        Assert.Empty(_egress.Sent);
        Assert.Equal(1, _switch.Uplink.DroppedFor(VepaDropReason.VsiNotAssociated));
    }

    [Fact]
    public void VmsWithoutAVsiIgnoreTheirAccessEntry()
    {
        _switch.SetVsiAccess([VsiAccess.Held, new VsiAccess(true, 30)]);

        _switch.FromVm(PlainVm, Frame(Mac2, Outside), _egress);

        Assert.Equal(Frame(Mac2, Outside), Assert.Single(_egress.To(RecordingEgress.Uplink)));
    }

    [Fact]
    public void VmFramesToTheNearestBridgeAddressStayOffAStationsUplink()
    {
        byte[] lldp = new FrameBuilder().From(Mac2).To(NearestBridge).EtherType(EtherTypes.Lldp).Build();
        var relaying = new VepaSwitch([Vm("plain", Mac2)]);

        _switch.FromVm(PlainVm, lldp, _egress);
        relaying.FromVm(0, lldp, _egress);

        Assert.Equal(1, _switch.Vms[PlainVm].DroppedFor(VepaDropReason.NearestBridgeAddress));
        Assert.Equal(lldp, Assert.Single(_egress.To(RecordingEgress.Uplink)));   // without a station: relayed as ever
    }

    [Fact]
    public void AVsisMacSharedWithAnotherVmIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new VepaSwitch([Vm("a", Mac1, vsi: Vsi()), Vm("b", Mac1, vlan: 10)]));
        Assert.Throws<ArgumentException>(() => new VepaSwitch([Vm("a", Mac1, vlan: 10), Vm("b", Mac1, vsi: Vsi())]));
        Assert.Throws<ArgumentException>(() => _switch.SetVsiAccess([VsiAccess.Held]));
        Assert.Throws<ArgumentException>(() => _switch.SetVsiAccess([new VsiAccess(true, 4095), VsiAccess.Held]));
    }

    [Fact]
    public void TrappedFramesKeepTheUplinkConserved()
    {
        _switch.CountTrapped(60);
        _switch.FromUplink(Frame(Outside, Mac2), _egress);

        VepaPortCounters uplink = _switch.Uplink;
        Assert.Equal(2, uplink.RxFrames);
        Assert.Equal(uplink.RxFrames, uplink.Forwarded + uplink.Trapped + uplink.DroppedTotal);
    }
}
