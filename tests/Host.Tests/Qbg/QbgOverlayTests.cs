// The overlay turns negotiation and associations into engine configuration, and leaves everything
// the operator wrote alone.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration;
using Hairpin.Host.Qbg;
using Hairpin.Host.Tests.Configuration;

namespace Hairpin.Host.Tests.Qbg;

public sealed class QbgOverlayTests
{
    private static readonly MacAddress Vm = MacAddress.Parse("52:54:00:8e:aa:11");

    private static readonly HostConfig Config = ConfigFile.Load(
        """
        ports:
          - { name: hv1, attach: { afpacket: hv1 }, evb: bridge }
          - { name: hv2, attach: { afpacket: hv2 }, evb: bridge, hairpin: false }
          - { name: up, attach: { afpacket: up }, vlan: { trunk: "10,20" } }
        acls:
          - name: web-tier
            rules:
              - { name: all, action: permit }
        meters:
          - { name: vm-cap, cir: 10mbit }
        vsi_types:
          - { id: 42, version: 1, vlan: 10, acl: web-tier, meter: vm-cap }
        """);

    private static readonly VsiAssociation Web = new("hv1", "a1412857-60f7-4ce1-e95a-2164943f53aa", new VsiTypeRef(42, 1), [new VsiFilterEntry(Vm, 10)]);

    [Fact]
    public void AnAutoPortsHairpinFollowsTheNegotiationAndAPinnedOneDoesNot()
    {
        BridgeConfig off = QbgOverlay.Apply(Config, new HashSet<string>(), []);
        BridgeConfig on = QbgOverlay.Apply(Config, new HashSet<string> { "hv1", "hv2" }, []);

        Assert.False(off.Ports[0].Hairpin);
        Assert.True(on.Ports[0].Hairpin);
        Assert.False(on.Ports[1].Hairpin);
    }

    [Fact]
    public void EvbPortsAdmitOnlyAssociatedPairsAndOtherPortsAreUntouched()
    {
        BridgeConfig bridge = QbgOverlay.Apply(Config, new HashSet<string>(), [Web]);

        Assert.True(bridge.Ports[0].Vsi.Enforced);
        Assert.Equal([new VsiBinding(Web.VsiId, Vm, 10)], bridge.Ports[0].Vsi.Bindings);
        Assert.True(bridge.Ports[1].Vsi.Enforced);
        Assert.Empty(bridge.Ports[1].Vsi.Bindings);
        Assert.Same(Config.Bridge.Ports[2], bridge.Ports[2]);
    }

    [Fact]
    public void TheVmsVidJoinsItsPortTaggedAndLeavesWithIt()
    {
        BridgeConfig with = QbgOverlay.Apply(Config, new HashSet<string>(), [Web]);
        BridgeConfig without = QbgOverlay.Apply(Config, new HashSet<string>(), []);

        Assert.True(with.Ports[0].Vlans.Members.Contains(10));
        Assert.False(with.Ports[0].Vlans.Untagged.Contains(10));
        Assert.Equal(1, with.Ports[0].Vlans.Pvid);   // the operator's untagged VLAN stays
        Assert.False(without.Ports[0].Vlans.Members.Contains(10));
    }

    [Fact]
    public void TheTypesAclAndMeterAreBoundToTheVmOnItsPort()
    {
        BridgeConfig bridge = QbgOverlay.Apply(Config, new HashSet<string>(), [Web]);

        Assert.Equal([new VmAclBinding("hv1", Vm, "web-tier", 10)], bridge.VmAcls);
        Assert.Equal([new VmPolicerBinding("hv1", Vm, "vm-cap", 10)], bridge.VmPolicers);
    }

    [Fact]
    public void ABridgeWithoutEvbPortsIsPublishedAsWritten()
    {
        HostConfig plain = ConfigFile.Load("ports:\n  - { name: p, attach: { afpacket: p } }\n");

        Assert.Same(plain.Bridge, QbgOverlay.Apply(plain, new HashSet<string>(), []));
    }

    [Fact]
    public void AVidOnlyFilterAdmitsItsWholeVlanWithoutBindingAPolicyToAMac()
    {
        var vlanWide = new VsiAssociation("hv1", "vid-only", new VsiTypeRef(42, 1), [new VsiFilterEntry(MacAddress.Zero, 10)]);

        BridgeConfig bridge = QbgOverlay.Apply(Config, new HashSet<string>(), [vlanWide]);

        VsiBinding binding = Assert.Single(bridge.Ports[0].Vsi.Bindings);
        Assert.True(binding.IsVlanWide);
        Assert.True(bridge.Ports[0].Vlans.Members.Contains(10));
        Assert.Empty(bridge.VmAcls);
    }
}
