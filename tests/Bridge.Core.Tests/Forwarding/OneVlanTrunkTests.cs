// A port configured as a trunk stays a trunk while it carries its native VLAN alone (an MVRP trunk
// before the first registration, or `trunk: "1", native: 1`): a tagged frame of a VLAN it lacks is
// filtered as not a member, as the Linux bridge does, and never named VLAN hopping, which is an access
// port's reason. The same VLANs configured as an access port still refuse every tag.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class OneVlanTrunkTests
{
    private static readonly MacAddress Host = MacAddress.Parse("02:00:00:00:00:0a");

    private static BridgeHarness Bridge(PortVlans first) =>
        new(new BridgeConfig { Ports = [new PortConfig { Name = "p1", Vlans = first }, new PortConfig { Name = "p2" }] });

    [Fact]
    public void ATrunkCarryingOnlyItsNativeVlanFiltersAnotherVlansTagAsNotAMember()
    {
        PortVlans trunk = PortVlans.Trunk(VlanSet.Empty, nativeVid: 1);
        Assert.False(trunk.IsAccess);
        BridgeHarness harness = Bridge(trunk);

        harness.Send(0, new FrameBuilder().From(Host).Tag(10).Build());
        harness.Send(0, new FrameBuilder().From(Host).Build());   // its native VLAN, untagged: forwarded

        Assert.Single(harness.DrainEgress());
        Assert.Equal(1, harness.Engine.Counters(0).DroppedFor(DropReason.IngressVlanFiltered));
        Assert.Equal(0, harness.Engine.Counters(0).DroppedFor(DropReason.TaggedOnAccessPort));
    }

    [Fact]
    public void TheSameVlanAsAnAccessPortRefusesTheTagAsHopping()
    {
        Assert.True(PortVlans.Access(1).IsAccess);
        BridgeHarness harness = Bridge(PortVlans.Access(1));

        harness.Send(0, new FrameBuilder().From(Host).Tag(10).Build());

        Assert.Empty(harness.DrainEgress());
        Assert.Equal(1, harness.Engine.Counters(0).DroppedFor(DropReason.TaggedOnAccessPort));
    }

    [Fact]
    public void ATrunkStaysATrunkWhenItsMembersAreRewritten() =>
        Assert.False((PortVlans.Trunk(VlanSet.Of(10), nativeVid: 1) with { Members = VlanSet.Of(1) }).IsAccess);   // as MVRP's overlay rewrites them
}
