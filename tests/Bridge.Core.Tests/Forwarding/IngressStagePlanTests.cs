// Each port's configuration compiles to the optional receive-path stages it needs (PortPlan.Stages):
// a plain port runs none of them, and each feature adds exactly its own stage.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class IngressStagePlanTests
{
    private static IngressStages[] StagesOf(params PortConfig[] ports)
    {
        var config = new BridgeConfig
        {
            Ports = ports,
            Meters = [new MeterConfig { Name = "m", CommittedRateBitsPerSecond = 1_000_000, CommittedBurstBytes = 10_000 }],
            Acls = [new AccessList { Name = "a", DefaultVerdict = AclVerdict.Permit }],
        };
        ForwardingPlan plan = ForwardingPlan.Compile(config, new BridgeEngineOptions(), 1_000_000_000);
        return [.. Enumerable.Range(0, ports.Length).Select(i => plan.Ports[i].Stages)];
    }

    [Fact]
    public void APlainPortRunsNoOptionalStage()
    {
        Assert.Equal([IngressStages.None, IngressStages.None], StagesOf(new PortConfig { Name = "p0" }, new PortConfig { Name = "p1", Isolated = true, Vlans = PortVlans.Access(5) }));
    }

    [Fact]
    public void EachFeatureAddsItsOwnStageOnly()
    {
        IngressStages[] stages = StagesOf(
            new PortConfig { Name = "acl", IngressAcl = "a" },
            new PortConfig { Name = "policed", Qos = new PortQos { Policer = "m" } },
            new PortConfig { Name = "dscp", Qos = new PortQos { Trust = QosTrust.Dscp } },
            new PortConfig { Name = "secure", Security = new PortSecurity { Enabled = true, MaxMacs = 2 } },
            new PortConfig { Name = "vsi", Vsi = new VsiAdmission { Enforced = true } },
            new PortConfig { Name = "egress-acl", EgressAcl = "a" });

        Assert.Equal(
            [IngressStages.IngressAcl, IngressStages.IngressQos, IngressStages.IngressQos, IngressStages.PortSecurity, IngressStages.VsiAdmission, IngressStages.None],
            stages);
    }

    [Fact]
    public void AHairpinPortRunsThePingPongGuardOnlyWhileTheGuardIsOn()
    {
        var hairpin = new PortConfig { Name = "uplink", Hairpin = true };
        ForwardingPlan on = ForwardingPlan.Compile(new BridgeConfig { Ports = [hairpin], PingPongGuard = new PingPongGuard { Enabled = true } }, new BridgeEngineOptions(), 1_000_000_000);
        ForwardingPlan off = ForwardingPlan.Compile(new BridgeConfig { Ports = [hairpin], PingPongGuard = new PingPongGuard { Enabled = false } }, new BridgeEngineOptions(), 1_000_000_000);

        Assert.Equal(IngressStages.PingPongGuard, on.Ports[0].Stages);
        Assert.Equal(IngressStages.None, off.Ports[0].Stages);
    }
}
