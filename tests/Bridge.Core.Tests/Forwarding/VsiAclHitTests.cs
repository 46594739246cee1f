// ACL hits charged to a VSI: a rule that decides for a frame from the VM, or for a unicast copy to it,
// counts on the VSI by its verdict, whichever ACL holds the rule (the VM's or its port's); default
// verdicts and copies flooded to the VM's port count nothing; none of it allocates per frame.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class VsiAclHitTests
{
    private const int EvbPort = 0;
    private const int UplinkPort = 1;
    private const ushort Web = 80;
    private const ushort Dns = 53;
    private const ushort Ntp = 123;
    private const ushort Other = 5000;
    private static readonly MacAddress VmA = MacAddress.Parse("52:54:00:8e:aa:11");
    private static readonly MacAddress VmB = MacAddress.Parse("52:54:00:8e:aa:22");
    private static readonly MacAddress Remote = MacAddress.Parse("02:00:00:00:0c:01");

    // The VM's own ACL: web permitted with an action besides (a permit hit all the same), DNS denied.
    private static readonly AccessList VmPolicy = new()
    {
        Name = "vm-a-policy",
        DefaultVerdict = AclVerdict.Permit,
        Rules =
        [
            new AclRule("permit-web", AclVerdict.Permit, Udp(Web)) { Actions = new AclActions { TrafficClass = 5 } },
            new AclRule("deny-dns", AclVerdict.Deny, Udp(Dns)),
        ],
    };

    // The port's ACL, both ways: NTP denied, web permitted by rule.
    private static readonly AccessList PortPolicy = new()
    {
        Name = "port-policy",
        DefaultVerdict = AclVerdict.Permit,
        Rules = [new AclRule("deny-ntp", AclVerdict.Deny, Udp(Ntp)), new AclRule("permit-web", AclVerdict.Permit, Udp(Web))],
    };

    private static AclMatch Udp(ushort port) => new() { Protocol = 17, DestinationPorts = PortRange.Exactly(port) };

    private static BridgeConfig Config(string? ingressAcl = null, string? egressAcl = null) => new()
    {
        Ports =
        [
            new PortConfig
            {
                Name = "evb",
                Vlans = PortVlans.Trunk(VlanSet.Of(10)),
                Vsi = new VsiAdmission { Enforced = true, Bindings = [new VsiBinding("vm-a", VmA, 10), new VsiBinding("vm-b", VmB, 10)] },
                IngressAcl = ingressAcl,
                EgressAcl = egressAcl,
            },
            new PortConfig { Name = "uplink", Vlans = PortVlans.Trunk(VlanSet.Of(10)) },
        ],
        Acls = [VmPolicy, PortPolicy],
        VmAcls = [new VmAclBinding("evb", VmA, VmPolicy.Name, Vid: 10)],
    };

    private static byte[] Udp(MacAddress from, MacAddress to, ushort port) =>
        new FrameBuilder().From(from).To(to).Tag(10).Ipv4Udp(0xA9FE0001, 0xA9FE0002, 40000, port).Build();

    [Fact]
    public void RuleHitsOnFramesFromTheVsiAreCountedByVerdictAndDefaultVerdictsAreNot()
    {
        var harness = new BridgeHarness(Config(ingressAcl: PortPolicy.Name));

        harness.Send(
        [
            (EvbPort, Udp(VmA, Remote, Web)),     // the VM's permit-web, then the port's permit-web: two permit hits
            (EvbPort, Udp(VmA, Remote, Dns)),     // the VM's deny-dns: the port's ACL is not reached
            (EvbPort, Udp(VmA, Remote, Ntp)),     // the VM's default, then the port's deny-ntp
            (EvbPort, Udp(VmA, Remote, Other)),   // both defaults: no rule hit
            (EvbPort, Udp(VmB, Remote, Ntp)),     // another VSI on the port: its own hit
        ]);

        VsiCountersSnapshot a = harness.Engine.VsiCounters("vm-a")!.Snapshot();
        Assert.Equal((2, 2), (a.AclPermitHits, a.AclDenyHits));
        Assert.Equal((0, 0), (a.EgressAclPermitHits, a.EgressAclDenyHits));
        Assert.Equal(2, a.Dropped[DropReason.AclDenied]);
        VsiCountersSnapshot b = harness.Engine.VsiCounters("vm-b")!.Snapshot();
        Assert.Equal((0, 1), (b.AclPermitHits, b.AclDenyHits));
        Assert.Equal(2, harness.DrainEgress().Count);   // web and the defaulted frame left by the uplink
    }

    [Fact]
    public void RuleHitsOnUnicastCopiesToTheVsiAreEgressHitsButFloodedCopiesCountOnNoVsi()
    {
        var harness = new BridgeHarness(Config(egressAcl: PortPolicy.Name));

        harness.Send(
        [
            (UplinkPort, Udp(Remote, VmA, Web)),                  // the port's permit-web, then the VM's permit-web
            (UplinkPort, Udp(Remote, VmA, Dns)),                  // the port's default, then the VM's deny-dns
            (UplinkPort, Udp(Remote, VmA, Ntp)),                  // the port's deny-ntp
            (UplinkPort, Udp(Remote, MacAddress.Broadcast, Ntp)), // the port's deny-ntp, on a copy for every VM
            (UplinkPort, Udp(Remote, VmB, Web)),                  // the port's permit-web, for VM B
        ]);

        VsiCountersSnapshot a = harness.Engine.VsiCounters("vm-a")!.Snapshot();
        Assert.Equal((2, 2), (a.EgressAclPermitHits, a.EgressAclDenyHits));
        Assert.Equal((0, 0), (a.AclPermitHits, a.AclDenyHits));
        Assert.Equal(2, a.EgressDropped[DropReason.AclDenied]);
        VsiCountersSnapshot b = harness.Engine.VsiCounters("vm-b")!.Snapshot();
        Assert.Equal((1, 0), (b.EgressAclPermitHits, b.EgressAclDenyHits));
        Assert.Equal(3, harness.Engine.Counters(EvbPort).EgressDroppedFor(DropReason.AclDenied));
    }

    [Fact]
    public void CountingAclHitsToVsisAllocatesNothingPerFrame()
    {
        var harness = new BridgeHarness(Config(ingressAcl: PortPolicy.Name, egressAcl: PortPolicy.Name));
        byte[][] frames = [Udp(VmA, Remote, Web), Udp(VmA, Remote, Dns), Udp(Remote, VmA, Web), Udp(Remote, VmA, Ntp)];
        int[] ports = [EvbPort, EvbPort, UplinkPort, UplinkPort];
        var batch = new FrameBuffer[frames.Length];
        const int WarmUpRounds = 500;
        const int WindowRounds = 1_000;
        harness.SendRecycled(frames, ports, batch, WarmUpRounds);   // JIT, tiering and static set-up first

        // Per-frame allocation would show in every window; a one-off of the runtime's in one at most.
        long[] allocated = new long[4];
        for (int window = 0; window < allocated.Length; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            harness.SendRecycled(frames, ports, batch, WindowRounds);
            allocated[window] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(allocated.Count(bytes => bytes == 0) >= allocated.Length - 1, $"bytes allocated per window of 4,000 frames: {string.Join(", ", allocated)}");
        int rounds = WarmUpRounds + allocated.Length * WindowRounds;
        VsiCountersSnapshot a = harness.Engine.VsiCounters("vm-a")!.Snapshot();
        // Per round: web out hits both ACLs' permit-web, DNS out the VM's deny; web in both permits, NTP in the port's deny.
        Assert.Equal((2L * rounds, 1L * rounds), (a.AclPermitHits, a.AclDenyHits));
        Assert.Equal((2L * rounds, 1L * rounds), (a.EgressAclPermitHits, a.EgressAclDenyHits));
    }
}
