// QoS on the engine's forwarding path, checked by figures: which class queue a frame lands in, the
// PCP and DSCP it leaves with, and how many bytes a policer lets through on a fake clock.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Qos;

public sealed class QosForwardingTests
{
    private static readonly MacAddress VmA = MacAddress.Parse("52:54:00:00:00:0a");
    private static readonly MacAddress VmB = MacAddress.Parse("52:54:00:00:00:0b");
    private static readonly MacAddress Host = MacAddress.Parse("52:54:00:00:00:0c");

    private const int Vm = 0;
    private const int Uplink = 1;
    private const int Monitor = 2;

    /// <summary>Port 0 "vm" (access VLAN 10), port 1 "uplink" (trunk, VLAN 10 tagged), port 2 "monitor".</summary>
    private static BridgeHarness Bridge(PortQos? vmQos = null, BridgeConfig? extra = null)
    {
        var ports = new[]
        {
            new PortConfig { Name = "vm", Hairpin = true, Vlans = PortVlans.Access(10), Qos = vmQos ?? PortQos.Default },
            new PortConfig { Name = "uplink", Vlans = PortVlans.Trunk(VlanSet.Of(10)) },
            new PortConfig { Name = "monitor", Vlans = PortVlans.Access(99), BroadcastFlood = false },
        };
        var harness = new BridgeHarness((extra ?? new BridgeConfig()) with { Ports = ports });
        harness.Send(Uplink, new FrameBuilder().From(Host).Tag(10).Build());   // learn the host on the uplink
        harness.DrainEgress();
        return harness;
    }

    private static byte[] Udp(MacAddress from, MacAddress to, int dscp = 0, int size = 18, int? tagPcp = null, bool dei = false)
    {
        var builder = new FrameBuilder().From(from).To(to);
        if (tagPcp is int pcp)
        {
            builder.Tag(0, pcp, dei);   // priority-tagged: the access port classifies it to its VLAN
        }
        return builder.Ipv4Udp(0xA9FE000A, 0xA9FE000C, 4000, 5000, size, dscp).Build();
    }

    private static int PcpOf(byte[] frame) => BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(14)) >> 13;

    private static int QueuedIn(BridgeHarness harness, int port) =>
        Enumerable.Range(0, 8).Single(c => harness.Engine.Egress(port).QueuedFrames(c) > 0);

    [Theory]
    [InlineData(null, 1, 0)]    // untagged: port default priority 0, which 802.1Q puts in class 1
    [InlineData(0, 1, 0)]
    [InlineData(1, 0, 1)]       // priority 1 (background) is the lowest class
    [InlineData(5, 5, 5)]
    [InlineData(7, 7, 7)]
    public void TrustedPcpPicksTheClassBy8021QTable85AndLeavesOnTheTag(int? pcp, int expectedClass, int expectedPcp)
    {
        var harness = Bridge();
        harness.Send(Vm, Udp(VmA, Host, tagPcp: pcp));
        Assert.Equal(expectedClass, QueuedIn(harness, Uplink));
        Assert.Equal(expectedPcp, PcpOf(Assert.Single(harness.DrainEgress()).Bytes));
    }

    [Fact]
    public void AnUntrustedPortGivesEveryFrameItsDefaultPriority()
    {
        var harness = Bridge(new PortQos { Trust = QosTrust.None, DefaultPriority = 3 });
        harness.Send(Vm, Udp(VmA, Host, tagPcp: 7));
        Assert.Equal(3, QueuedIn(harness, Uplink));
        Assert.Equal(3, PcpOf(Assert.Single(harness.DrainEgress()).Bytes));
    }

    [Fact]
    public void DscpTrustClassifiesIpByClassSelectorAndOtherFramesByPcp()
    {
        var harness = Bridge(new PortQos { Trust = QosTrust.Dscp, DefaultPriority = 2 });
        harness.Send(Vm, Udp(VmA, Host, dscp: 46));   // EF: class selector 5
        Assert.Equal(5, QueuedIn(harness, Uplink));
        Assert.Equal(5, PcpOf(Assert.Single(harness.DrainEgress()).Bytes));

        harness.Send(Vm, new FrameBuilder().From(VmA).To(Host).Build());   // not IP: the port default
        Assert.Equal(2, QueuedIn(harness, Uplink));
        harness.DrainEgress();
    }

    [Fact]
    public void AnAclRuleSetsTheClassAndRemarksPcpAndDscpWithAValidChecksum()
    {
        var harness = Bridge(extra: new BridgeConfig
        {
            Acls = [new AccessList
            {
                Name = "voice",
                DefaultVerdict = AclVerdict.Permit,
                Rules = [new AclRule("rtp", AclVerdict.Permit, new AclMatch { Protocol = 17, DestinationPorts = PortRange.Exactly(5000) })
                {
                    Actions = new AclActions { TrafficClass = 6, RemarkPcp = 6, RemarkDscp = 46 },
                }],
            }],
        });
        harness.Engine.Publish(harness.Engine.Config with { Ports = [harness.Engine.Config.Ports[0] with { IngressAcl = "voice" }, .. harness.Engine.Config.Ports.Skip(1)] });

        harness.Send(Vm, Udp(VmA, Host));
        Assert.Equal(6, QueuedIn(harness, Uplink));
        byte[] sent = Assert.Single(harness.DrainEgress()).Bytes;
        Assert.Equal(6, PcpOf(sent));
        Assert.Equal(46, DscpRewriter.Read(sent));
        Assert.Equal(FrameBuilder.Ipv4HeaderChecksum(sent.AsSpan(18, 20)), BinaryPrimitives.ReadUInt16BigEndian(sent.AsSpan(28)));
    }

    [Fact]
    public void ATenMegabitPolicerWithA15000ByteBurstPassesWhatRfc2697SaysWithinOneFrame()
    {
        var meter = new MeterConfig { Name = "ten-meg", CommittedRateBitsPerSecond = 10_000_000, CommittedBurstBytes = 15_000 };
        var harness = Bridge(new PortQos { Policer = "ten-meg" }, new BridgeConfig { Meters = [meter] });
        byte[] frame = Udp(VmA, Host, size: 958);   // 1000-byte frames
        TimeSpan gap = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 12_500);   // 100 Mbit/s offered
        long delivered = 0;
        for (int i = 0; i < 12_500; i++)
        {
            harness.Clock.Advance(gap);
            harness.Send(Vm, frame);
            delivered += harness.DrainEgress().Sum(copy => copy.Bytes.Length - 4);   // less the tag the uplink adds
        }
        long expected = 15_000 + (10_000_000 / 8);   // CBS + CIR x 1 s
        Assert.InRange(delivered, expected - 1000, expected + 1000);
        Policer policer = harness.Engine.Policer("ten-meg")!;
        Assert.Equal(delivered, policer.Bytes(MeterColor.Green));
        Assert.Equal(12_500 - (delivered / 1000), harness.Engine.Counters(Vm).DroppedFor(DropReason.Policed));
        Assert.Equal(12_500 - (delivered / 1000), policer.Frames(MeterColor.Red));
    }

    [Fact]
    public void EachColorGetsItsAction()
    {
        var meter = new MeterConfig
        {
            Name = "m",
            CommittedRateBitsPerSecond = 8,   // no refill to speak of
            CommittedBurstBytes = 1000,
            ExcessBurstBytes = 1000,
            Yellow = ColorAction.Remark(pcp: 1, dscp: 10),
            Red = ColorAction.Drop,
        };
        var harness = Bridge(new PortQos { Policer = "m" }, new BridgeConfig { Meters = [meter] });
        byte[] frame = Udp(VmA, Host, dscp: 46, size: 958);
        harness.Send([(Vm, frame), (Vm, frame), (Vm, frame)]);
        List<Delivered> sent = harness.DrainEgress();
        Assert.Equal(2, sent.Count);
        Assert.Equal((0, 46), (PcpOf(sent[0].Bytes), DscpRewriter.Read(sent[0].Bytes)));   // green: untouched
        Assert.Equal((1, 10), (PcpOf(sent[1].Bytes), DscpRewriter.Read(sent[1].Bytes)));   // yellow: remarked
        Assert.Equal(1, harness.Engine.Counters(Vm).DroppedFor(DropReason.Policed));         // red: dropped
    }

    [Fact]
    public void AColorAwareMeterStartsDropEligibleFramesYellow()
    {
        var meter = new MeterConfig { Name = "aware", CommittedRateBitsPerSecond = 1_000_000, ExcessBurstBytes = 10_000, ColorAware = true, Yellow = ColorAction.Drop };
        var harness = Bridge(new PortQos { Policer = "aware" }, new BridgeConfig { Meters = [meter] });
        harness.Send(Vm, Udp(VmA, Host, tagPcp: 0, dei: true));
        Assert.Empty(harness.DrainEgress());
        harness.Send(Vm, Udp(VmA, Host, tagPcp: 0));
        Assert.Single(harness.DrainEgress());
        Assert.Equal(1, harness.Engine.Policer("aware")!.Frames(MeterColor.Yellow));
    }

    [Fact]
    public void AVmPolicerPolicesOnlyThatVm()
    {
        var meter = new MeterConfig { Name = "vm-a", CommittedRateBitsPerSecond = 8, CommittedBurstBytes = 100 };
        var harness = Bridge(extra: new BridgeConfig { Meters = [meter], VmPolicers = [new VmPolicerBinding("vm", VmA, "vm-a")] });
        harness.Send([(Vm, Udp(VmA, Host)), (Vm, Udp(VmA, Host)), (Vm, Udp(VmB, Host)), (Vm, Udp(VmB, Host))]);   // 100 bytes: one frame each
        Assert.Equal([VmA, VmB, VmB], harness.DrainEgress().Select(copy => MacAddress.Read(copy.Bytes.AsSpan(6))));
        Assert.Equal(1, harness.Engine.Counters(Vm).DroppedFor(DropReason.Policed));
    }

    [Fact]
    public void AclPoliceMirrorAndCountActionsWorkTogether()
    {
        var meter = new MeterConfig { Name = "one-frame", CommittedRateBitsPerSecond = 8, CommittedBurstBytes = 100 };
        var acl = new AccessList
        {
            Name = "watch",
            DefaultVerdict = AclVerdict.Permit,
            Rules = [new AclRule("udp", AclVerdict.Permit, new AclMatch { Protocol = 17 })
            {
                Actions = new AclActions { Police = "one-frame", Mirror = "monitor", Count = "udp-seen" },
            }],
        };
        var harness = Bridge(extra: new BridgeConfig { Meters = [meter], Acls = [acl] });
        harness.Engine.Publish(harness.Engine.Config with { Ports = [harness.Engine.Config.Ports[0] with { IngressAcl = "watch" }, .. harness.Engine.Config.Ports.Skip(1)] });
        byte[] frame = Udp(VmA, Host);

        harness.Send([(Vm, frame), (Vm, frame)]);
        List<Delivered> sent = harness.DrainEgress();
        Assert.Single(sent, copy => copy.Port == Uplink);                              // the second is policed
        Assert.Equal(2, sent.Count(copy => copy.Port == Monitor));                     // both mirrored, as received
        Assert.All(sent.Where(copy => copy.Port == Monitor), copy => Assert.Equal(frame, copy.Bytes));
        Assert.Equal(2, harness.Engine.Counters(Monitor).Mirrored);
        Assert.Equal((2L, 2L * frame.Length), harness.Engine.NamedCounter("udp-seen"));
        Assert.Equal(1, harness.Engine.Counters(Vm).DroppedFor(DropReason.Policed));
    }

    [Fact]
    public void AnEgressAclRemarksEachCopyOnItsOwnPort()
    {
        var acl = new AccessList
        {
            Name = "mark-out",
            DefaultVerdict = AclVerdict.Permit,
            Rules = [new AclRule("all", AclVerdict.Permit, new AclMatch()) { Actions = new AclActions { RemarkPcp = 4 } }],
        };
        var harness = Bridge(extra: new BridgeConfig { Acls = [acl] });
        var ports = harness.Engine.Config.Ports;
        harness.Engine.Publish(harness.Engine.Config with
        {
            Ports = [ports[0], ports[1] with { EgressAcl = "mark-out" }, ports[2]],
        });
        harness.Send(Vm, Udp(VmA, MacAddress.Broadcast));   // flooded: to the uplink and reflected to the VM port
        List<Delivered> sent = harness.DrainEgress();
        Assert.Equal(4, PcpOf(Assert.Single(sent, copy => copy.Port == Uplink).Bytes));
        Assert.Equal(0x0800, BinaryPrimitives.ReadUInt16BigEndian(Assert.Single(sent, copy => copy.Port == Vm).Bytes.AsSpan(12)));   // untagged, untouched
    }

    [Fact]
    public void TheSchedulerOnThePathSendsClass7BeforeClass0()
    {
        var harness = Bridge();
        harness.Send([(Vm, Udp(VmA, Host, tagPcp: 1)), (Vm, Udp(VmA, Host, tagPcp: 1)), (Vm, Udp(VmA, Host, tagPcp: 7))]);
        List<Delivered> sent = harness.DrainEgress();
        Assert.Equal([7, 1, 1], sent.Select(copy => PcpOf(copy.Bytes)));
    }

    [Fact]
    public void ChangingTheSchedulerLiveLosesNoQueuedFrame()
    {
        var harness = Bridge();
        harness.Send([(Vm, Udp(VmA, Host)), (Vm, Udp(VmA, Host)), (Vm, Udp(VmA, Host))]);
        var ports = harness.Engine.Config.Ports;
        harness.Engine.Publish(harness.Engine.Config with
        {
            Ports = [ports[0], ports[1] with { Qos = new PortQos { Scheduler = new EgressSchedulerConfig { QueueDepthFrames = 1, Weights = [4, 1, 1, 1, 1, 1, 1, 1] } } }, ports[2]],
        });
        harness.Send(Vm, Udp(VmA, Host));   // applies the publish; the queue is over its new depth: tail drop
        Assert.Equal(3, harness.DrainEgress().Count);
        Assert.Equal(1, harness.Engine.Counters(Uplink).EgressDroppedFor(DropReason.EgressQueueFull));
        Assert.Equal(1, harness.Engine.Egress(Uplink).TailDrops(1));
    }

    [Fact]
    public void AnUnchangedPolicerKeepsItsBucketsAcrossAPublish()
    {
        var meter = new MeterConfig { Name = "m", CommittedRateBitsPerSecond = 8, CommittedBurstBytes = 100 };
        var harness = Bridge(new PortQos { Policer = "m" }, new BridgeConfig { Meters = [meter] });
        harness.Send(Vm, Udp(VmA, Host));
        Assert.Single(harness.DrainEgress());
        harness.Engine.Publish(harness.Engine.Config with { AgeingTime = TimeSpan.FromSeconds(100) });
        harness.Send(Vm, Udp(VmA, Host));
        Assert.Empty(harness.DrainEgress());   // still out of tokens: a publish is no free refill
        Assert.Equal(1, harness.Engine.Policer("m")!.Frames(MeterColor.Red));
    }

    [Fact]
    public void ReferencesToMissingMetersAndPortsAreRejectedAndTheRunningConfigStays()
    {
        var harness = Bridge();
        BridgeConfig running = harness.Engine.Config;
        var ports = running.Ports;
        var noMeter = running with { Ports = [ports[0] with { Qos = new PortQos { Policer = "nope" } }, ports[1], ports[2]] };
        var error = Assert.Throws<InvalidBridgeConfigException>(() => harness.Engine.Publish(noMeter));
        Assert.Contains("no meter named 'nope'", error.Message, StringComparison.Ordinal);
        var badAcl = running with
        {
            Acls = [new AccessList { Name = "x", Rules = [new AclRule("r", AclVerdict.Permit, new AclMatch()) { Actions = new AclActions { Mirror = "ghost" } }] }],
        };
        error = Assert.Throws<InvalidBridgeConfigException>(() => harness.Engine.Publish(badAcl));
        Assert.Contains("mirror names no port 'ghost'", error.Message, StringComparison.Ordinal);
        Assert.Same(running, harness.Engine.Config);
        harness.Send(Vm, Udp(VmA, Host));
        Assert.Single(harness.DrainEgress());
    }
    [Fact]
    public void AnEgressAclMatchesTheDscpAsReceivedEvenAfterAnIngressRemark()
    {
        var meter = new MeterConfig { Name = "remark-all", CommittedRateBitsPerSecond = 1_000_000, Green = ColorAction.Remark(dscp: 0) };
        var acl = new AccessList
        {
            Name = "no-ef-out",
            DefaultVerdict = AclVerdict.Permit,
            Rules = [new AclRule("ef", AclVerdict.Deny, new AclMatch { Dscp = 46 })],
        };
        var harness = Bridge(new PortQos { Policer = "remark-all" }, new BridgeConfig { Meters = [meter], Acls = [acl] });
        var ports = harness.Engine.Config.Ports;
        harness.Engine.Publish(harness.Engine.Config with { Ports = [ports[0], ports[1] with { EgressAcl = "no-ef-out" }, ports[2]] });
        harness.Send(Vm, Udp(VmA, Host, dscp: 46));
        Assert.Empty(harness.DrainEgress());   // matched on DSCP 46, though the policer remarked it to 0
        Assert.Equal(1, harness.Engine.Counters(Uplink).EgressDroppedFor(DropReason.AclDenied));
    }
}
