// Each stage of BridgeEngine.Trace explains itself in words a network engineer would use, and the
// trace changes nothing: the FDB, counters and ACL hit counters stay as they were.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Tests.Tracing;

public sealed class FrameTraceTests
{
    private static readonly MacAddress Vm1 = MacAddress.Parse("52:54:00:00:00:0a");
    private static readonly MacAddress Vm2 = MacAddress.Parse("52:54:00:00:00:0b");
    private static readonly MacAddress Host = MacAddress.Parse("52:54:00:00:00:0c");

    private static readonly AccessList Vm1NotToVm2 = new()
    {
        Name = "vm1-not-vm2",
        DefaultVerdict = AclVerdict.Permit,
        Rules =
        [
            new AclRule("allow-arp", AclVerdict.Permit, new AclMatch { EtherType = EtherTypes.Arp }),
            new AclRule("deny-vm1-vm2", AclVerdict.Deny, new AclMatch { SourceMac = Vm1, DestinationMac = Vm2 }),
        ],
    };

    private static byte[] Udp(MacAddress from, MacAddress to) =>
        new FrameBuilder().From(from).To(to).Ipv4Udp(0xA9FE0001, 0xA9FE0002, 5000, 5000).Build();

    /// <summary>Port 0 "hv1" holds VM1 and VM2 (hairpin as asked), port 1 "hv2" the host; VM2 and the host are learned.</summary>
    private static BridgeHarness Bridge(bool hairpin, string? ingressAcl = null, Func<PortConfig, PortConfig>? hv1 = null)
    {
        var first = new PortConfig { Name = "hv1", Hairpin = hairpin, IngressAcl = ingressAcl };
        var harness = new BridgeHarness(new BridgeConfig
        {
            Ports = [hv1 is null ? first : hv1(first), new PortConfig { Name = "hv2" }],
            Acls = [Vm1NotToVm2],
        });
        harness.Send([(0, Udp(Vm2, MacAddress.Broadcast)), (1, Udp(Host, MacAddress.Broadcast))]);
        harness.DrainEgress();
        return harness;
    }

    /// <summary>The texts of every stage called <paramref name="name"/>, one per line.</summary>
    private static string Stage(FrameTrace trace, string name) =>
        trace.Stages.Any(stage => stage.Name == name)
            ? string.Join("\n", trace.Stages.Where(stage => stage.Name == name).Select(stage => stage.Text))
            : throw new Xunit.Sdk.XunitException($"no stage '{name}' in: {string.Join(" | ", trace.Stages.Select(stage => $"{stage.Name}: {stage.Text}"))}");

    [Fact]
    public void AFrameDeniedByAnAclNamesTheAclAndTheRule()
    {
        var harness = Bridge(hairpin: true, ingressAcl: "vm1-not-vm2");

        FrameTrace trace = harness.Engine.Trace(0, Udp(Vm1, Vm2));

        Assert.Equal(DropReason.AclDenied, trace.Verdict.Reason);
        TracedAclMatch match = Assert.Single(trace.AclMatches);
        Assert.Equal(("vm1-not-vm2", 2, "deny-vm1-vm2", AclVerdict.Deny), (match.Acl, match.RuleNumber, match.RuleName, match.Verdict));
        Assert.Contains("acl vm1-not-vm2 (port hv1 ingress): rule 2 (deny-vm1-vm2) deny", Stage(trace, "ingress-acl"), StringComparison.Ordinal);
    }

    [Fact]
    public void TracingChangesNeitherTheFdbNorCountersNorAclHits()
    {
        var harness = Bridge(hairpin: true, ingressAcl: "vm1-not-vm2");
        int entries = harness.Engine.Fdb.Count;
        long received = harness.Engine.Counters(0).RxFrames;
        int free = harness.Pool.AvailableCount;
        CompiledAcl acl = harness.Engine.Acl("vm1-not-vm2")!;
        long[] hits = [.. Enumerable.Range(0, 3).Select(acl.HitFrames)];

        harness.Engine.Trace(0, Udp(Vm1, Vm2));
        harness.Engine.Trace(0, Udp(Vm1, Host));

        Assert.Equal(entries, harness.Engine.Fdb.Count);
        Assert.Equal(-1, harness.Engine.Fdb.Lookup(1, Vm1));
        Assert.Equal(received, harness.Engine.Counters(0).RxFrames);
        Assert.Equal(0, harness.Engine.Counters(0).DroppedTotal);
        Assert.Equal(free, harness.Pool.AvailableCount);
        Assert.Equal(hits, Enumerable.Range(0, 3).Select(acl.HitFrames));
    }

    [Fact]
    public void HairpinOffNamesReflectiveRelayOff()
    {
        var harness = Bridge(hairpin: false);

        FrameTrace trace = harness.Engine.Trace(0, Udp(Vm1, Vm2));

        Assert.Equal(DropReason.ReflectiveRelayOff, trace.Verdict.Reason);
        Assert.Contains("reflective-relay-off", Stage(trace, "forwarding"), StringComparison.Ordinal);
        Assert.Contains("hv1, the ingress port", Stage(trace, "forwarding"), StringComparison.Ordinal);
    }

    [Fact]
    public void HairpinOnShowsReflectionOutOfTheIngressPort()
    {
        var harness = Bridge(hairpin: true);

        FrameTrace trace = harness.Engine.Trace(0, Udp(Vm1, Vm2));

        Assert.Equal(TraceOutcome.Forwarded, trace.Verdict.Outcome);
        Assert.Equal([0], trace.Verdict.Ports);
        Assert.Contains("reflected back out of it (hairpin on)", Stage(trace, "forwarding"), StringComparison.Ordinal);
        TracedEgress egress = Assert.Single(trace.Egress);
        Assert.Equal(TagForm.Untagged, egress.Tag);
    }

    [Fact]
    public void AnAccessPortWithATaggedFrameNamesTheHoppingGuard()
    {
        var harness = Bridge(hairpin: true);

        FrameTrace trace = harness.Engine.Trace(0, new FrameBuilder().From(Vm1).To(Host).Tag(20).Build());

        Assert.Equal(DropReason.TaggedOnAccessPort, trace.Verdict.Reason);
        Assert.Contains("hopping guard", Stage(trace, "vlan-ingress"), StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownUnicastShowsTheFloodSetAndWhyOtherPortsAreLeftOut()
    {
        var harness = Bridge(hairpin: false);

        FrameTrace trace = harness.Engine.Trace(1, Udp(Host, MacAddress.Parse("52:54:00:00:00:99")));

        Assert.Equal([0], trace.Verdict.Ports);
        string forwarding = Stage(trace, "forwarding");
        Assert.Contains("unknown unicast", forwarding, StringComparison.Ordinal);
        Assert.Contains("flood to hv1; not to hv2 (reflective-relay-off", forwarding, StringComparison.Ordinal);
    }

    [Fact]
    public void ABpduOnABpduGuardPortSaysItWouldErrorDisableThePort()
    {
        var harness = Bridge(hairpin: true);

        FrameTrace trace = harness.Engine.Trace(0, new FrameBuilder().From(Vm1).To("01:80:c2:00:00:00").StpBpdu().Build());

        Assert.Equal(DropReason.BpduGuard, trace.Verdict.Reason);
        Assert.Contains("would be error-disabled for 30 s", Stage(trace, "link-local"), StringComparison.Ordinal);
        Assert.False(harness.Engine.Status(0).IsErrorDisabled);
    }

    [Fact]
    public void LldpIsTrappedToTheControlPlane()
    {
        var harness = Bridge(hairpin: true);

        FrameTrace trace = harness.Engine.Trace(0, new FrameBuilder().From(Vm1).To("01:80:c2:00:00:0e").EtherType(EtherTypes.Lldp).Build());

        Assert.Equal(TraceOutcome.Trapped, trace.Verdict.Outcome);
        Assert.Contains("LLDP", Stage(trace, "link-local"), StringComparison.Ordinal);
    }

    [Fact]
    public void ATrunkEgressShowsTheTagFormWithTheClassifiedPriority()
    {
        var harness = new BridgeHarness(new BridgeConfig
        {
            Ports =
            [
                new PortConfig { Name = "vm", Vlans = PortVlans.Access(10), Qos = new PortQos { DefaultPriority = 5 } },
                new PortConfig { Name = "uplink", Vlans = PortVlans.Trunk(VlanSet.Of(10, 20)) },
            ],
        });

        FrameTrace trace = harness.Engine.Trace(0, Udp(Vm1, MacAddress.Broadcast));

        TracedEgress egress = Assert.Single(trace.Egress);
        Assert.Equal(new TagForm(true, 10, 5, false), egress.Tag);
        Assert.Equal("tag 10 pcp 5", egress.Tag.ToString());
        Assert.Contains("priority 5 from the port default (untagged)", Stage(trace, "qos"), StringComparison.Ordinal);
    }

    [Fact]
    public void APortSecurityViolationNamesTheLimit()
    {
        var harness = Bridge(hairpin: true, hv1: port => port with { Security = new PortSecurity { Enabled = true, MaxMacs = 1, AllowedMacs = [new SecureMac(Vm2)] } });

        FrameTrace trace = harness.Engine.Trace(0, Udp(Vm1, Host));

        Assert.Equal(DropReason.PortSecurityViolation, trace.Verdict.Reason);
        Assert.Contains("holds 1 of 1 MACs", Stage(trace, "port-security"), StringComparison.Ordinal);
    }

    [Fact]
    public void AStickySecuredPortCannotSecureAMacPinnedElsewhereAndTheTraceSaysWhere()
    {
        var harness = Bridge(hairpin: true, hv1: port => port with { Security = new PortSecurity { Enabled = true, MaxMacs = 4, Sticky = true } });
        harness.Engine.Publish(harness.Engine.Config with
        {
            Ports = [harness.Engine.Config.Ports[0], harness.Engine.Config.Ports[1] with { Vsi = new VsiAdmission { Bindings = [new VsiBinding("host", Host, 1)] } }],
        });

        FrameTrace trace = harness.Engine.Trace(0, Udp(Host, Vm2));
        harness.Send(0, Udp(Host, Vm2));

        Assert.Equal(DropReason.PortSecurityViolation, trace.Verdict.Reason);
        Assert.Contains("is a static entry on hv2: it cannot be secured on hv1", Stage(trace, "port-security"), StringComparison.Ordinal);
        Assert.Equal(1, harness.Engine.Counters(0).DroppedFor(DropReason.PortSecurityViolation));
    }

    [Fact]
    public void AVsiPortNamesTheSendersVsiOrRefusesASenderNotAssociatedThere()
    {
        var harness = Bridge(hairpin: true, hv1: port => port with { Vsi = new VsiAdmission { Enforced = true, Bindings = [new VsiBinding("vm-2", Vm2, 1)] } });

        FrameTrace refused = harness.Engine.Trace(0, Udp(Vm1, Host));
        FrameTrace admitted = harness.Engine.Trace(0, Udp(Vm2, Host));

        Assert.Equal(DropReason.VsiNotAssociated, refused.Verdict.Reason);
        Assert.Contains($"{Vm1} in VLAN 1 is not associated on hv1", Stage(refused, "vsi"), StringComparison.Ordinal);
        Assert.Contains($"{Vm2} in VLAN 1 is VSI vm-2, associated on hv1", Stage(admitted, "vsi"), StringComparison.Ordinal);
        Assert.Equal([1], admitted.Verdict.Ports);
    }

    [Fact]
    public void AHostSendingToItselfThroughAHairpinPortIsReflectedByTheEntryItWouldLearn()
    {
        var harness = Bridge(hairpin: true);

        FrameTrace trace = harness.Engine.Trace(0, Udp(Vm1, Vm1));

        Assert.Contains("would learn", Stage(trace, "learning"), StringComparison.Ordinal);
        Assert.Equal([0], trace.Verdict.Ports);
        harness.Send(0, Udp(Vm1, Vm1));
        Assert.Collection(harness.DrainEgress(), copy => Assert.Equal(0, copy.Port));
    }
}
