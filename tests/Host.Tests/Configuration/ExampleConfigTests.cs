// examples/bridge.yaml is the file newcomers copy: it must load, and say what its comments say.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Configuration;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Configuration;

public sealed class ExampleConfigTests
{
    private static readonly HostConfig Example = HostConfigLoader.Load(ConfigFile.Example("bridge.yaml"));

    [Fact]
    public void TheExampleBridgeLoadsItsFourPortsAndWhereTheyAttach()
    {
        Assert.Equal(["hv1", "hv2", "vm9", "uplink"], Example.Bridge.Ports.Select(p => p.Name));
        Assert.Equal(
            ["afpacket:veth-hv1", "tap:tap-hv2", "stream:listen:/run/hairpin/vm9.sock", "afpacket:eth1"],
            Example.Attachments.Select(a => a.Attach.Describe()));
        Assert.Equal([true, true, false, false], Example.Bridge.Ports.Select(p => p.Hairpin));
    }

    [Fact]
    public void TheExampleHypervisorPortsAreHairpinTrunksWithPolicy()
    {
        PortConfig hv1 = Example.Bridge.Ports[0];
        Assert.Equal("1,10,20", hv1.Vlans.Members.ToString());
        Assert.Equal(1, hv1.Vlans.Pvid);
        Assert.Equal(256, hv1.MaxLearned);
        Assert.Equal("tenant-edge", hv1.IngressAcl);
        Assert.Equal(new StormControl { BroadcastPps = 1000, MulticastPps = 5000, UnknownUnicastPps = 2000 }, hv1.StormControl);
        Assert.Equal("hv1-in", hv1.Qos.Policer);
        Assert.Equal(1_000_000_000 / 8, hv1.Qos.Scheduler.ShaperBytesPerSecond);
        Assert.Equal([1, 1, 2, 2, 4, 4, 1, 1], hv1.Qos.Scheduler.Weights);
        Assert.Equal("protect-web", Example.Bridge.Ports[1].EgressAcl);
    }

    [Fact]
    public void TheExampleVmPortIsASecureIsolatedAccessPort()
    {
        PortConfig vm9 = Example.Bridge.Ports[2];
        Assert.True(vm9.Vlans.IsAccess);
        Assert.Equal(10, vm9.Vlans.Pvid);
        Assert.True(vm9.Isolated);
        Assert.False(vm9.MulticastFlood);
        Assert.True(vm9.Security.Enabled);
        Assert.Equal(2, vm9.Security.AllowedMacs.Count);
        Assert.Equal(SecurityViolation.Disable, vm9.Security.Violation);
        Assert.Equal(QosTrust.Dscp, vm9.Qos.Trust);
        Assert.IsType<StreamAttach>(Example.Attachments[2].Attach);
    }

    [Fact]
    public void TheExampleUplinkFacesASwitch()
    {
        PortConfig uplink = Example.Bridge.Ports[3];
        Assert.False(uplink.BpduGuard);
        Assert.False(uplink.LoopDetection);
        Assert.Equal(0x4000, uplink.GroupForwardMask);
        Assert.Equal(0, uplink.Vlans.Pvid);
        Assert.Equal("1,10,20,100-110", uplink.Vlans.Members.ToString());
    }

    [Fact]
    public void TheExampleBridgeSettingsAclsAndMetersAreRead()
    {
        BridgeConfig bridge = Example.Bridge;
        Assert.Equal(TimeSpan.FromSeconds(300), bridge.AgeingTime);
        Assert.Equal(16_384, bridge.MaxLearned);
        Assert.Equal(TimeSpan.FromMilliseconds(100), bridge.PingPongGuard.Window);
        Assert.Equal(["tenant-edge", "protect-web"], bridge.Acls.Select(a => a.Name));
        Assert.Equal(AclVerdict.Permit, bridge.Acls[0].DefaultVerdict);
        Assert.Equal(AclVerdict.Deny, bridge.Acls[1].DefaultVerdict);
        Assert.Equal(5, bridge.Acls[0].Rules.Count);
        Assert.Equal(["hv1-in", "bulk-cap", "vm-a-cap"], bridge.Meters.Select(m => m.Name));
        Assert.Equal(MeterKind.TwoRate, bridge.Meters[1].Kind);
        Assert.Single(bridge.VmAcls);
        Assert.Single(bridge.VmPolicers);
        Assert.Null(Example.Management.Group);   // commented out: a group that does not exist stops the start
        Assert.Equal("127.0.0.1:9417", Example.Metrics.Prometheus);
    }

    [Fact]
    public void TheExampleHasNoRuleThatCanNeverMatch() => Assert.Empty(Example.Warnings);

    [Fact]
    public void TheQbgExampleLoadsTwoEvbPortsAndItsPortProfiles()
    {
        HostConfig qbg = HostConfigLoader.Load(ConfigFile.Example("qbg-bridge.yaml"));

        Assert.Equal(["hv1", "hv2"], qbg.Evb.Select(evb => evb.Port));
        Assert.All(qbg.Evb, evb => Assert.Equal(HairpinMode.Auto, evb.Hairpin));
        Assert.Equal([(42, 10, "web-tier"), (43, 20, null)], qbg.VsiTypes.Select(type => (type.Id, type.Vlan, type.Acl)));
        Assert.Equal([new MvrpPortConfig("uplink")], qbg.Mvrp!.Ports);
        Assert.Empty(qbg.Warnings);
    }

    [Fact]
    public void TheAggregationExampleRunsMvrpOnItsTrunksAndDeclaresItsHostsVlan()
    {
        HostConfig aggregation = HostConfigLoader.Load(ConfigFile.Example("aggregation.yaml"));

        Assert.Equal([new MvrpPortConfig("rack1"), new MvrpPortConfig("rack2", MaxVids: 256)], aggregation.Mvrp!.Ports);
        Assert.True(aggregation.Mvrp.DeclareStatic);
        Assert.Equal(Bridge.Core.Mrp.MrpTimers.Default, aggregation.Mvrp.Timers);
        Assert.Equal([MvrpFrames.Trap, MvrpFrames.Trap, MvrpFrames.Discard], aggregation.Bridge.Ports.Select(port => port.MvrpFrames));
        Assert.Empty(aggregation.Warnings);
    }
}
