// An ACL the operator did not change keeps its compiled form across a publish: the 802.1Qbg plane
// publishes on every VM that associates or leaves and MVRP on every VLAN registered, and an operator
// watching `hairpin acl show` (as `iptables -L -v` or NX-OS's ACL statistics) expects its hit counters
// to go on, not to restart whenever some VM comes or goes. A changed ACL, or a changed port list
// (rules name ports by index once compiled), compiles afresh.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Acl;

public sealed class AclAcrossPublishTests
{
    private static readonly MacAddress Vm1 = MacAddress.Parse("52:54:00:00:00:01");
    private static readonly MacAddress Host = MacAddress.Parse("52:54:00:00:00:0c");

    private static readonly AccessList Web = new()
    {
        Name = "web",
        DefaultVerdict = AclVerdict.Deny,
        Rules =
        [
            new AclRule("http", AclVerdict.Permit, new AclMatch { Protocol = 17, DestinationPorts = PortRange.Exactly(80) }) { Actions = new AclActions { Count = "web-hits" } },
        ],
    };

    private static BridgeConfig Config(AccessList acl) => new()
    {
        Ports = [new PortConfig { Name = "hv1", IngressAcl = "web" }, new PortConfig { Name = "hv2" }],
        Acls = [acl],
    };

    private static byte[] Udp(int port) =>
        new FrameBuilder().From(Vm1).To(Host).Ipv4Udp(0xA9FE000A, 0xA9FE000B, 5000, (ushort)port).Build();

    private static BridgeHarness Bridge()
    {
        var harness = new BridgeHarness(Config(Web));
        harness.Send(1, new FrameBuilder().From(Host).Build());   // the host is known: frames to it are unicast
        harness.DrainEgress();
        for (int i = 0; i < 3; i++)
        {
            harness.Send(0, Udp(80));
        }
        harness.Send(0, Udp(22));
        Assert.Equal(3, harness.DrainEgress().Count);
        return harness;
    }

    [Fact]
    public void APublishThatLeavesTheAclAloneKeepsItsHitCountersItsNamedCounterAndItsCompiledForm()
    {
        BridgeHarness harness = Bridge();
        CompiledAcl before = harness.Engine.Acl("web")!;

        // What a VM associating publishes: the same ACL, something else changed (here a VLAN on hv2).
        harness.Engine.Publish(harness.Engine.Config with { Ports = [harness.Engine.Config.Ports[0], new PortConfig { Name = "hv2", Vlans = PortVlans.Access(1) }] });
        harness.Send(0, Udp(80));
        Assert.Single(harness.DrainEgress());

        CompiledAcl after = harness.Engine.Acl("web")!;
        Assert.Same(before, after);
        Assert.Equal(4, after.HitFrames(0));
        Assert.Equal(1, after.HitFrames(1));   // the default's deny, from before the publish
        Assert.Equal(4, harness.Engine.NamedCounter("web-hits").Frames);
    }

    [Fact]
    public void AChangedAclCompilesAfreshAndItsCountersStartAtZero()
    {
        BridgeHarness harness = Bridge();
        CompiledAcl before = harness.Engine.Acl("web")!;

        AccessList wider = Web with { Rules = [.. Web.Rules, new AclRule("ssh", AclVerdict.Permit, new AclMatch { Protocol = 17, DestinationPorts = PortRange.Exactly(22) })] };
        harness.Engine.Publish(Config(wider));
        harness.Send(0, Udp(22));
        Assert.Single(harness.DrainEgress());

        CompiledAcl after = harness.Engine.Acl("web")!;
        Assert.NotSame(before, after);
        Assert.Equal(0, after.HitFrames(0));
        Assert.Equal(1, after.HitFrames(1));
        Assert.Equal(3, harness.Engine.NamedCounter("web-hits").Frames);   // the rule that counts it is unchanged: the counter goes on
    }

    [Fact]
    public void AChangedPortListCompilesEveryAclAfresh()
    {
        BridgeHarness harness = Bridge();
        CompiledAcl before = harness.Engine.Acl("web")!;

        harness.Engine.Publish(Config(Web) with { Ports = [new PortConfig { Name = "hv1", IngressAcl = "web" }, new PortConfig { Name = "hv2" }, new PortConfig { Name = "hv3" }] });
        harness.Send(0, Udp(80));
        harness.DrainEgress();

        Assert.NotSame(before, harness.Engine.Acl("web"));
        Assert.Equal(1, harness.Engine.Acl("web")!.HitFrames(0));
    }

    [Fact]
    public void AnActionThatResolvesElsewhereCompilesAfresh()
    {
        // Same rules, but the meter the rule polices with is now another index (a meter added before it).
        var meters = new List<MeterConfig> { new() { Name = "slow", CommittedRateBitsPerSecond = 1_000_000_000 } };
        AccessList policed = Web with { Rules = [Web.Rules[0] with { Actions = new AclActions { Police = "slow" } }] };
        var harness = new BridgeHarness(Config(policed) with { Meters = meters });
        CompiledAcl before = harness.Engine.Acl("web")!;

        harness.Engine.Publish(harness.Engine.Config with { Meters = [new MeterConfig { Name = "fast", CommittedRateBitsPerSecond = 2_000_000_000 }, .. meters] });
        harness.Send(0, Udp(80));
        harness.DrainEgress();

        Assert.NotSame(before, harness.Engine.Acl("web"));
    }
}
