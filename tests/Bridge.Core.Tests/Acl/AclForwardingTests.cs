// The mission's seed case: VM1 and VM2 sit behind one hairpin port. Policy says VM1 may not reach
// VM2: the reflected frames are dropped and counted, while VM1 still reaches a host on another port.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Acl;

public sealed class AclForwardingTests
{
    private static readonly MacAddress Vm1 = MacAddress.Parse("52:54:00:00:00:01");
    private static readonly MacAddress Vm2 = MacAddress.Parse("52:54:00:00:00:02");
    private static readonly MacAddress Host = MacAddress.Parse("52:54:00:00:00:0c");

    private static readonly AccessList Vm1NotToVm2 = new()
    {
        Name = "vm1-not-vm2",
        DefaultVerdict = AclVerdict.Permit,
        Rules = [new AclRule("deny-vm1-vm2", AclVerdict.Deny, new AclMatch { SourceMac = Vm1, DestinationMac = Vm2 })],
    };

    private static byte[] Udp(MacAddress from, MacAddress to) =>
        new FrameBuilder().From(from).To(to).Ipv4Udp(0xA9FE000A, 0xA9FE000B, 5000, 5000).Build();

    private static BridgeHarness Bridge(BridgeConfig config)
    {
        var harness = new BridgeHarness(config);
        harness.Send([(0, new FrameBuilder().From(Vm2).Build()), (1, new FrameBuilder().From(Host).Build())]);   // learn VM2 and the host
        harness.DrainEgress();
        return harness;
    }

    [Fact]
    public void APortAclDenyingVm1ToVm2DropsTheReflectedFramesAndCountsThemWhileVm1StillReachesTheHost()
    {
        var harness = Bridge(new BridgeConfig
        {
            Ports = [new PortConfig { Name = "hv1", Hairpin = true, IngressAcl = "vm1-not-vm2" }, new PortConfig { Name = "hv2" }],
            Acls = [Vm1NotToVm2],
        });

        harness.Send(0, Udp(Vm1, Vm2));
        Assert.Empty(harness.DrainEgress());
        Assert.Equal(1, harness.Engine.Counters(0).DroppedFor(DropReason.AclDenied));
        Assert.Equal(1, harness.Engine.Acl("vm1-not-vm2")!.HitFrames(0));

        harness.Send(0, Udp(Vm1, Host));
        Assert.Collection(harness.DrainEgress(), copy => Assert.Equal(1, copy.Port));
        harness.Send(0, Udp(Vm2, Vm1));   // the other way is not denied: reflected
        Assert.Collection(harness.DrainEgress(), copy => Assert.Equal(0, copy.Port));
        Assert.Equal(1, harness.Engine.Acl("vm1-not-vm2")!.HitFrames(0));
    }

    [Fact]
    public void AnAclBoundToTheVmFollowsItBothWays()
    {
        var harness = Bridge(new BridgeConfig
        {
            Ports = [new PortConfig { Name = "hv1", Hairpin = true }, new PortConfig { Name = "hv2" }],
            Acls = [Vm1NotToVm2 with { Rules = [.. Vm1NotToVm2.Rules, new AclRule("deny-host-vm2", AclVerdict.Deny, new AclMatch { SourceMac = Host, DestinationMac = Vm2 })] }],
            VmAcls = [new VmAclBinding("hv1", Vm2, "vm1-not-vm2")],
        });

        harness.Send(1, Udp(Host, Vm2));   // to VM2, from another port: the VM's ACL applies on egress
        Assert.Empty(harness.DrainEgress());
        Assert.Equal(1, harness.Engine.Counters(0).EgressDroppedFor(DropReason.AclDenied));

        harness.Send(0, Udp(Vm1, Vm2));    // VM1 has no binding; VM2's ACL still stops it on the way out
        Assert.Empty(harness.DrainEgress());
        harness.Send(0, Udp(Vm1, Host));
        Assert.Single(harness.DrainEgress());
    }

    [Fact]
    public void AnEgressAclFiltersEachCopyOfAFloodOnItsOwnPort()
    {
        var harness = Bridge(new BridgeConfig
        {
            Ports =
            [
                new PortConfig { Name = "a" },
                new PortConfig { Name = "b", EgressAcl = "no-udp" },
                new PortConfig { Name = "c" },
            ],
            Acls = [new AccessList { Name = "no-udp", DefaultVerdict = AclVerdict.Permit, Rules = [new AclRule("udp", AclVerdict.Deny, new AclMatch { Protocol = 17 })] }],
        });
        harness.Send(0, Udp(Vm1, MacAddress.Broadcast));
        Assert.Equal([2], harness.DrainEgress().Select(copy => copy.Port));
        Assert.Equal(1, harness.Engine.Counters(1).EgressDroppedFor(DropReason.AclDenied));
    }

    [Fact]
    public void AFrameWhoseHeadersAnAclCannotReadIsDroppedNotWavedThrough()
    {
        var harness = Bridge(new BridgeConfig
        {
            Ports = [new PortConfig { Name = "hv1", IngressAcl = "vm1-not-vm2" }, new PortConfig { Name = "hv2" }],
            Acls = [Vm1NotToVm2],
        });
        byte[] truncated = new FrameBuilder().From(Vm1).To(Host).EtherType(EtherTypes.IPv4).Payload(new byte[10]).WithoutPadding().Build();
        harness.Send(0, truncated);
        Assert.Empty(harness.DrainEgress());
        Assert.Equal(1, harness.Engine.Counters(0).DroppedFor(DropReason.MalformedHeaders));
    }

    [Fact]
    public void ShadowedRulesAreReportedWhenTheConfigurationLoads()
    {
        var harness = new BridgeHarness(new BridgeConfig
        {
            Ports = [new PortConfig { Name = "hv1", IngressAcl = "x" }],
            Acls = [new AccessList { Name = "x", Rules = [new AclRule("all", AclVerdict.Permit, new AclMatch()), new AclRule("never", AclVerdict.Deny, new AclMatch { Protocol = 6 })] }],
        });
        Assert.Contains(harness.Engine.AclWarnings, w => w.Contains("rule 2 (never) is shadowed by rule 1 (all)", StringComparison.Ordinal));
    }
}
