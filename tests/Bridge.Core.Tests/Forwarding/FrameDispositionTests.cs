// ProcessBatch's second overload says what became of each frame (FrameDisposition): forwarded to a
// port, flooded to a set, reflected back out of its own port, trapped for the control plane, or
// dropped with the reason that is also counted. Each case checks the disposition against what the
// egress queues, the control-plane ring and the drop counters really hold.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class FrameDispositionTests
{
    private static readonly MacAddress A = MacAddress.Parse("52:54:00:00:00:0a");
    private static readonly MacAddress B = MacAddress.Parse("52:54:00:00:00:0b");
    private static readonly MacAddress C = MacAddress.Parse("52:54:00:00:00:0c");

    private static BridgeHarness Bridge(int ports, Func<int, PortConfig, PortConfig>? edit = null, IReadOnlyList<AccessList>? acls = null) =>
        new(new BridgeConfig
        {
            Ports = [.. Enumerable.Range(0, ports).Select(i => edit is null ? new PortConfig { Name = $"p{i}" } : edit(i, new PortConfig { Name = $"p{i}" }))],
            Acls = acls ?? [],
        });

    private static byte[] Frame(MacAddress from, MacAddress to) => new FrameBuilder().From(from).To(to).Build();

    private static int[] PortsOf(ulong mask) => [.. Enumerable.Range(0, 64).Where(port => (mask & (1UL << port)) != 0)];

    [Fact]
    public void KnownUnicastIsForwardedToTheOnePortTheFdbNames()
    {
        var harness = Bridge(3);
        harness.Send(1, Frame(B, A));   // B learned on p1
        harness.DrainEgress();

        FrameDisposition disposition = harness.SendFor(0, Frame(A, B));

        Assert.Equal(DispositionKind.Forwarded, disposition.Kind);
        Assert.Equal([1], PortsOf(disposition.EgressPorts));
        Assert.Equal(0UL, disposition.DroppedCopyPorts);
        Assert.Equal(1, disposition.Vid);
        Assert.Equal([1], harness.DrainEgress().Select(copy => copy.Port));
    }

    [Fact]
    public void ABroadcastIsFloodedToEveryOtherPort()
    {
        var harness = Bridge(4);

        FrameDisposition disposition = harness.SendFor(2, Frame(A, MacAddress.Broadcast));

        Assert.Equal(DispositionKind.Flooded, disposition.Kind);
        Assert.Equal([0, 1, 3], PortsOf(disposition.EgressPorts));
        Assert.Equal(PortsOf(disposition.EgressPorts), harness.DrainEgress().Select(copy => copy.Port).Order());
    }

    [Fact]
    public void UnicastToAHostOnTheIngressPortIsReflectedWhenHairpinIsOnAndDroppedWhenItIsOff()
    {
        var hairpin = Bridge(2, (i, port) => i == 0 ? port with { Hairpin = true } : port);
        var plain = Bridge(2);
        foreach (BridgeHarness harness in new[] { hairpin, plain })
        {
            harness.Send(0, Frame(B, A));   // B learned on p0
            harness.DrainEgress();
        }

        FrameDisposition reflected = hairpin.SendFor(0, Frame(A, B));
        FrameDisposition refused = plain.SendFor(0, Frame(A, B));

        Assert.Equal(DispositionKind.Forwarded, reflected.Kind);
        Assert.Equal([0], PortsOf(reflected.EgressPorts));
        Assert.Equal([0], hairpin.DrainEgress().Select(copy => copy.Port));
        Assert.Equal(DispositionKind.Dropped, refused.Kind);
        Assert.Equal(DropReason.ReflectiveRelayOff, refused.Reason);
        Assert.Equal(0UL, refused.EgressPorts);
        Assert.Equal(1, plain.Engine.Counters(0).DroppedFor(DropReason.ReflectiveRelayOff));
        Assert.Empty(plain.DrainEgress());
    }

    [Fact]
    public void AnLldpFrameGoesToTheControlPlane()
    {
        var harness = Bridge(2);

        FrameDisposition disposition = harness.SendFor(1, new FrameBuilder().From(A).To("01:80:c2:00:00:0e").EtherType(0x88CC).Build());

        Assert.Equal(DispositionKind.ControlPlane, disposition.Kind);
        Assert.Equal(0UL, disposition.EgressPorts);
        Assert.Single(harness.DrainControlPlane());
    }

    [Fact]
    public void IngressDropsCarryTheReasonTheyAreCountedUnder()
    {
        var harness = Bridge(2, (i, port) => i == 1 ? port with { Vlans = PortVlans.Access(20) } : port);
        byte[] runt = new byte[10];
        byte[] groupSource = Frame(MacAddress.Parse("01:00:5e:00:00:01"), B);
        byte[] hopping = new FrameBuilder().From(A).To(B).Tag(30).Build();

        FrameDisposition[] dispositions = harness.SendFor([(0, runt), (0, groupSource), (1, hopping), (9, Frame(A, B))]);

        Assert.Equal(
            [DropReason.MalformedRunt, DropReason.InvalidSourceMac, DropReason.TaggedOnAccessPort, DropReason.UnknownIngressPort],
            dispositions.Select(disposition => disposition.Reason));
        Assert.All(dispositions, disposition => Assert.True(disposition.IsDropped && disposition.EgressPorts == 0));
        Assert.Equal(1, harness.Engine.Counters(0).DroppedFor(DropReason.MalformedRunt));
        Assert.Equal(1, harness.Engine.Counters(1).DroppedFor(DropReason.TaggedOnAccessPort));
        Assert.Equal(0, dispositions[2].Vid);   // dropped before VLAN classification
        Assert.Empty(harness.DrainEgress());
    }

    [Fact]
    public void AFrameAnIngressAclDeniesIsDroppedAsAclDeniedInItsVlan()
    {
        var deny = new AccessList { Name = "no-c", DefaultVerdict = AclVerdict.Permit, Rules = [new AclRule("deny-c", AclVerdict.Deny, new AclMatch { SourceMac = C })] };
        var harness = Bridge(2, (i, port) => i == 0 ? port with { IngressAcl = "no-c" } : port, [deny]);

        FrameDisposition[] dispositions = harness.SendFor([(0, Frame(C, B)), (0, Frame(A, B))]);

        Assert.Equal(DispositionKind.Dropped, dispositions[0].Kind);
        Assert.Equal(DropReason.AclDenied, dispositions[0].Reason);
        Assert.Equal(1, dispositions[0].Vid);
        Assert.Equal(DispositionKind.Flooded, dispositions[1].Kind);   // B unknown: flooded to p1
        Assert.Equal([1], PortsOf(dispositions[1].EgressPorts));
    }

    [Fact]
    public void AFloodSomeOfWhoseCopiesAnEgressAclDeniesNamesThePortsOnBothSides()
    {
        var deny = new AccessList { Name = "deny-all", DefaultVerdict = AclVerdict.Deny };
        var harness = Bridge(4, (i, port) => i == 2 ? port with { EgressAcl = "deny-all" } : port, [deny]);

        FrameDisposition disposition = harness.SendFor(0, Frame(A, MacAddress.Broadcast));

        Assert.Equal(DispositionKind.Flooded, disposition.Kind);
        Assert.Equal([1, 3], PortsOf(disposition.EgressPorts));
        Assert.Equal([2], PortsOf(disposition.DroppedCopyPorts));
        Assert.Equal(DropReason.AclDenied, disposition.Reason);
        Assert.Equal([1, 3], harness.DrainEgress().Select(copy => copy.Port).Order());
    }

    [Fact]
    public void UnicastWhoseOnlyCopyIsDroppedAtEgressWentNowhere()
    {
        var deny = new AccessList { Name = "deny-all", DefaultVerdict = AclVerdict.Deny };
        var harness = Bridge(2, (i, port) => i == 1 ? port with { EgressAcl = "deny-all" } : port, [deny]);
        harness.Send(1, Frame(B, A));   // B learned on p1; the flood to p0 passes

        FrameDisposition disposition = harness.SendFor(0, Frame(A, B));

        Assert.Equal(DispositionKind.Dropped, disposition.Kind);
        Assert.Equal(DropReason.AclDenied, disposition.Reason);
        Assert.Equal([1], PortsOf(disposition.DroppedCopyPorts));
        Assert.Equal(1, harness.Engine.Counters(1).EgressDroppedFor(DropReason.AclDenied));
    }

    [Fact]
    public void EachFrameOfABatchGetsItsOwnDispositionAndAShorterSpanTakesOnlyTheFirst()
    {
        var harness = Bridge(3);
        harness.Send(1, Frame(B, A));
        harness.DrainEgress();
        FrameBuffer[] batch = [.. new[] { Frame(A, B), Frame(A, MacAddress.Broadcast), new byte[10] }.Select(bytes =>
        {
            Assert.True(harness.Pool.TryRent(out FrameBuffer? buffer) && buffer.TryCopyFrom(bytes));
            buffer.IngressPort = 0;
            return buffer;
        })];
        var dispositions = new FrameDisposition[2];

        harness.Engine.ProcessBatch(batch, dispositions);

        Assert.Equal(DispositionKind.Forwarded, dispositions[0].Kind);
        Assert.Equal(DispositionKind.Flooded, dispositions[1].Kind);
        Assert.Equal([1, 2], PortsOf(dispositions[1].EgressPorts));
        Assert.Equal(1, harness.Engine.Counters(0).DroppedFor(DropReason.MalformedRunt));   // the third still ran
    }
}
