// MVRP's overlay and needs: registered VIDs become tagged members of the port they were registered on
// and nothing else changes; what the appliance declares for itself is its associated VSIs' VIDs, plus
// the static VLANs of its non-MVRP ports only when declare_static asks.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration;
using Hairpin.Host.Mvrp;
using Hairpin.Host.Qbg;
using Hairpin.Host.Tests.Configuration;

namespace Hairpin.Host.Tests.Mvrp;

public sealed class MvrpOverlayTests
{
    private const string Ports =
        """
        ports:
          - { name: hv1, attach: { afpacket: hv1 }, evb: bridge }
          - { name: host, attach: { afpacket: host }, vlan: 30 }
          - { name: up, attach: { afpacket: up }, vlan: { trunk: "1,20", native: 1 }, mvrp: true }
        vsi_types:
          - { id: 42, version: 1, vlan: 10 }

        """;

    private static readonly VsiAssociation Vm = new("hv1", "a1412857-60f7-4ce1-e95a-2164943f53aa", new VsiTypeRef(42, 1),
        [new VsiFilterEntry(MacAddress.Parse("52:54:00:8e:aa:11"), 10)]);

    [Fact]
    public void RegisteredVidsBecomeTaggedMembersOfTheirPortOnly()
    {
        BridgeConfig bridge = ConfigFile.Load(Ports).Bridge;
        var state = new MvrpState(new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal) { ["up"] = [10, 40] });

        BridgeConfig overlaid = MvrpOverlay.Apply(bridge, state);

        Assert.Equal("1,10,20,40", overlaid.Ports[2].Vlans.Members.ToString());
        Assert.Equal(1, overlaid.Ports[2].Vlans.Pvid);
        Assert.Equal(bridge.Ports[2].Vlans.Untagged, overlaid.Ports[2].Vlans.Untagged);   // tagged: the native VLAN stays the only untagged one
        Assert.Equal(bridge.Ports[0], overlaid.Ports[0]);
        Assert.Equal(bridge.Ports[1], overlaid.Ports[1]);
    }

    [Fact]
    public void NoRegistrationsLeaveTheConfigurationAsItIs()
    {
        BridgeConfig bridge = ConfigFile.Load(Ports).Bridge;

        Assert.Same(bridge, MvrpOverlay.Apply(bridge, MvrpState.None));
    }

    [Fact]
    public void TheAppliancesOwnNeedsAreItsVsisVidsAndStaticVlansOnlyWhenAsked()
    {
        HostConfig plain = ConfigFile.Load(Ports);
        HostConfig declaring = ConfigFile.Load(Ports + "mvrp: { declare_static: true }\n");

        Assert.Empty(MvrpNeeds.Of(plain, []));
        Assert.Equal([10], MvrpNeeds.Of(plain, [Vm]));
        // hv1 (VLAN 1 by default) and host (VLAN 30) are not MVRP ports; up's own static VLANs are not declared on it.
        Assert.Equal([1, 10, 30], MvrpNeeds.Of(declaring, [Vm]));
    }
}
