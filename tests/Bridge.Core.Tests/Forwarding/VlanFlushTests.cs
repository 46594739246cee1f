// The engine's half of an MVRP New (802.1Q 11.2.5): FlushLearnedInVlan(port, vid) removes what was
// learned on that port in that VLAN and nothing else (other VLANs, other ports, static and sticky
// entries, VSI bindings pinned as static entries), counts the flush on the port, and the hosts it
// forgot are relearned from their next frame.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class VlanFlushTests
{
    private const int Trunk = 0;
    private const int Other = 1;
    private static readonly MacAddress LearnedIn10 = MacAddress.Parse("02:00:00:00:10:01");
    private static readonly MacAddress AlsoLearnedIn10 = MacAddress.Parse("02:00:00:00:10:02");
    private static readonly MacAddress LearnedIn20 = MacAddress.Parse("02:00:00:00:20:01");
    private static readonly MacAddress LearnedOnOther = MacAddress.Parse("02:00:00:00:10:03");
    private static readonly MacAddress StaticIn10 = MacAddress.Parse("02:00:00:00:10:0a");
    private static readonly MacAddress StickyIn10 = MacAddress.Parse("02:00:00:00:10:0b");
    private static readonly MacAddress Vm = MacAddress.Parse("52:54:00:8e:aa:11");

    private static BridgeHarness Bridge() => new(new BridgeConfig
    {
        Ports =
        [
            new PortConfig
            {
                Name = "trunk",
                Vlans = PortVlans.Trunk(VlanSet.Of(10, 20)),
                Vsi = new VsiAdmission { Bindings = [new VsiBinding("vm", Vm, 10)] },   // not enforced: others may send too
            },
            new PortConfig { Name = "other", Vlans = PortVlans.Trunk(VlanSet.Of(10, 20)) },
        ],
    });

    private static byte[] Frame(MacAddress from, int vid) =>
        new FrameBuilder().From(from).To(MacAddress.Parse("ff:ff:ff:ff:ff:ff")).Tag(vid).EtherType(0x0800).Build();

    private static BridgeHarness Learned()
    {
        BridgeHarness harness = Bridge();
        harness.Send([(Trunk, Frame(LearnedIn10, 10)), (Trunk, Frame(AlsoLearnedIn10, 10)), (Trunk, Frame(LearnedIn20, 20)), (Other, Frame(LearnedOnOther, 10))]);
        harness.DrainEgress();
        Assert.True(harness.Engine.AddFdbEntry(10, StaticIn10, Trunk, FdbEntryKind.Static));
        Assert.True(harness.Engine.AddFdbEntry(10, StickyIn10, Trunk, FdbEntryKind.Sticky));
        Assert.Equal(Trunk, harness.Engine.Fdb.Lookup(10, LearnedIn10));
        Assert.Equal(Trunk, harness.Engine.Fdb.Lookup(10, Vm));   // the VSI binding, pinned as a static entry
        return harness;
    }

    [Fact]
    public void AFlushRemovesThePortsLearnedEntriesInThatVlanOnly()
    {
        BridgeHarness harness = Learned();

        int removed = harness.Engine.FlushLearnedInVlan(Trunk, 10);

        Assert.Equal(2, removed);
        Assert.Equal(-1, harness.Engine.Fdb.Lookup(10, LearnedIn10));
        Assert.Equal(-1, harness.Engine.Fdb.Lookup(10, AlsoLearnedIn10));
        Assert.Equal(Trunk, harness.Engine.Fdb.Lookup(20, LearnedIn20));      // another VLAN
        Assert.Equal(Other, harness.Engine.Fdb.Lookup(10, LearnedOnOther));   // another port
        Assert.Equal(Trunk, harness.Engine.Fdb.Lookup(10, StaticIn10));
        Assert.Equal(Trunk, harness.Engine.Fdb.Lookup(10, StickyIn10));
        Assert.Equal(Trunk, harness.Engine.Fdb.Lookup(10, Vm));
        Assert.Equal(FdbEntryKind.Static, harness.Engine.Fdb.KindOf(10, Vm));
    }

    [Fact]
    public void AFlushIsCountedOnItsPortEvenWhenItRemovesNothing()
    {
        BridgeHarness harness = Learned();

        harness.Engine.FlushLearnedInVlan(Trunk, 10);
        harness.Engine.FlushLearnedInVlan(Trunk, 30);

        Assert.Equal(2, harness.Engine.Counters(Trunk).VlanFlushes);
        Assert.Equal(2, harness.Engine.Counters(Trunk).EntriesFlushed);
        Assert.Equal(0, harness.Engine.Counters(Other).VlanFlushes);
    }

    [Fact]
    public void AFlushedHostIsRelearnedFromItsNextFrame()
    {
        BridgeHarness harness = Learned();
        harness.Engine.FlushLearnedInVlan(Trunk, 10);

        harness.Send(Other, Frame(LearnedIn10, 10));   // it moved behind the other port: learned there now

        Assert.Equal(Other, harness.Engine.Fdb.Lookup(10, LearnedIn10));
    }

    [Fact]
    public void AFlushOutsideThePortsOrVidsIsRefused()
    {
        BridgeHarness harness = Bridge();

        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Engine.FlushLearnedInVlan(-1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Engine.FlushLearnedInVlan(BridgeConfig.MaxPorts, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Engine.FlushLearnedInVlan(Trunk, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => harness.Engine.FlushLearnedInVlan(Trunk, 4095));
    }
}
