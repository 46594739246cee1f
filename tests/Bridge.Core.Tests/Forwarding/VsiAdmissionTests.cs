// 802.1Qbg VSI admission on a bridge port: only the associated (MAC, VID) pairs may send, control
// frames are still trapped, the pairs are pinned to the port as static FDB entries that republishes
// change binding by binding, and each VSI's counters outlive the bindings that feed them.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class VsiAdmissionTests
{
    private const int EvbPort = 0;
    private const int UplinkPort = 1;
    private static readonly MacAddress VmA = MacAddress.Parse("52:54:00:8e:aa:11");
    private static readonly MacAddress VmB = MacAddress.Parse("52:54:00:8e:aa:22");
    private static readonly MacAddress VmC = MacAddress.Parse("52:54:00:8e:aa:33");
    private static readonly MacAddress Stranger = MacAddress.Parse("52:54:00:66:66:66");
    private static readonly MacAddress Remote = MacAddress.Parse("02:00:00:00:0c:01");

    private static readonly AccessList NoDns = new()
    {
        Name = "no-dns",
        DefaultVerdict = AclVerdict.Permit,
        Rules = [new AclRule("deny-dns", AclVerdict.Deny, new AclMatch { Protocol = 17, DestinationPorts = PortRange.Exactly(53) })],
    };

    private static PortConfig Evb(bool enforced, params VsiBinding[] bindings) => new()
    {
        Name = "evb",
        Vlans = PortVlans.Trunk(VlanSet.Of(10, 20)),
        Vsi = new VsiAdmission { Enforced = enforced, Bindings = bindings },
    };

    private static PortConfig Uplink(params VsiBinding[] bindings) => new()
    {
        Name = "uplink",
        Vlans = PortVlans.Trunk(VlanSet.Of(10, 20)),
        Vsi = new VsiAdmission { Bindings = bindings },
    };

    private static BridgeConfig Config(params VsiBinding[] bindings) => new() { Ports = [Evb(enforced: true, bindings), Uplink()] };

    private static byte[] Frame(MacAddress from, MacAddress to, int vid) =>
        new FrameBuilder().From(from).To(to).Tag(vid).Ipv4Udp(0xA9FE0001, 0xA9FE0002, 5000, 5000).Build();

    private static byte[] Dns(MacAddress from, MacAddress to, int vid) =>
        new FrameBuilder().From(from).To(to).Tag(vid).Ipv4Udp(0xA9FE0001, 0xA9FE0002, 40000, 53).Build();

    private static void Republish(BridgeHarness harness, BridgeConfig config)
    {
        harness.Engine.Publish(config);
        harness.Engine.ProcessBatch([]);   // a configuration takes effect at the next batch
    }

    private static FdbEntry? Entry(BridgeHarness harness, int vid, MacAddress mac) =>
        harness.Engine.Fdb.Snapshot().Cast<FdbEntry?>().FirstOrDefault(entry => entry!.Value.Vid == vid && entry.Value.Mac == mac);

    [Fact]
    public void AnAssociatedMacInItsVlanIsForwarded()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10)));

        harness.Send(EvbPort, Frame(VmA, Remote, 10));

        Delivered delivered = Assert.Single(harness.DrainEgress());
        Assert.Equal(UplinkPort, delivered.Port);
        Assert.Equal(0, harness.Engine.Counters(EvbPort).DroppedTotal);
    }

    [Fact]
    public void AnotherMacOrTheRightMacInAnotherVlanIsDroppedAsNotAssociated()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10)));

        harness.Send([(EvbPort, Frame(Stranger, Remote, 10)), (EvbPort, Frame(VmA, Remote, 20))]);

        Assert.Empty(harness.DrainEgress());
        Assert.Equal(2, harness.Engine.Counters(EvbPort).DroppedFor(DropReason.VsiNotAssociated));
        Assert.Equal(2, harness.Engine.Counters(EvbPort).DroppedTotal);
        Assert.Equal(-1, harness.Engine.Fdb.Lookup(10, Stranger));   // refused before learning
        Assert.Equal(-1, harness.Engine.Fdb.Lookup(20, VmA));
        Assert.Equal("vsi-not-associated", DropReasons.Name(DropReason.VsiNotAssociated));
    }

    [Fact]
    public void LldpAndEcpFramesFromAnUnassociatedStationAreStillTrapped()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10)));
        byte[][] control = [.. ReferenceCaptures.RatifiedOfType(EtherTypes.Lldp), .. ReferenceCaptures.RatifiedOfType(EtherTypes.Ecp)];
        Assert.NotEmpty(ReferenceCaptures.RatifiedOfType(EtherTypes.Ecp));   // VDP rides in ECP: both kinds are sent
        Assert.All(control, frame => Assert.Equal(ControlFrame.NearestCustomerBridge, MacAddress.Read(frame)));

        harness.Send(control.Select(frame => (EvbPort, frame)));

        Assert.Equal(control.Length, harness.DrainControlPlane().Count);
        Assert.Equal(control.Length, harness.Engine.Counters(EvbPort).Trapped);
        Assert.Equal(0, harness.Engine.Counters(EvbPort).DroppedFor(DropReason.VsiNotAssociated));
    }

    [Fact]
    public void EachBindingIsPinnedToItsPortAsAStaticEntry()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10), new VsiBinding("vm-a", VmA, 20), new VsiBinding("vm-b", VmB, 10)));

        Assert.Equal(3, harness.Engine.Fdb.StaticOnPort(EvbPort));
        Assert.All(new[] { (10, VmA), (20, VmA), (10, VmB) }, pair =>
        {
            Assert.Equal(EvbPort, harness.Engine.Fdb.Lookup(pair.Item1, pair.Item2));
            Assert.Equal(FdbEntryKind.Static, harness.Engine.Fdb.KindOf(pair.Item1, pair.Item2));
        });
        harness.Send(UplinkPort, Frame(Remote, VmB, 10));
        Assert.Equal(EvbPort, Assert.Single(harness.DrainEgress()).Port);
        Assert.Equal(0, harness.Engine.Counters(UplinkPort).Flooded);   // known before the VM has sent anything
    }

    [Fact]
    public void ARepublishRemovesAndAddsTheEntriesOfChangedBindingsOnly()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10), new VsiBinding("vm-b", VmB, 10)));
        var operatorMac = MacAddress.Parse("02:00:00:00:0d:01");
        Assert.True(harness.Engine.AddFdbEntry(20, operatorMac, EvbPort, FdbEntryKind.Static));
        harness.Send(UplinkPort, Frame(Remote, MacAddress.Broadcast, 10));   // a learned entry elsewhere
        harness.DrainEgress();
        uint installedAt = Entry(harness, 10, VmA)!.Value.LastSeenSecond;
        harness.Advance(TimeSpan.FromSeconds(30));

        Republish(harness, Config(new VsiBinding("vm-a", VmA, 10), new VsiBinding("vm-c", VmC, 20)));

        FdbEntry kept = Entry(harness, 10, VmA)!.Value;
        Assert.Equal((EvbPort, FdbEntryKind.Static, installedAt), (kept.Port, kept.Kind, kept.LastSeenSecond));   // untouched, not re-added
        Assert.Equal(-1, harness.Engine.Fdb.Lookup(10, VmB));
        Assert.Equal((EvbPort, FdbEntryKind.Static), (harness.Engine.Fdb.Lookup(20, VmC), harness.Engine.Fdb.KindOf(20, VmC)));
        Assert.Equal((EvbPort, FdbEntryKind.Static), (harness.Engine.Fdb.Lookup(20, operatorMac), harness.Engine.Fdb.KindOf(20, operatorMac)));
        Assert.Equal(UplinkPort, harness.Engine.Fdb.Lookup(10, Remote));
        Assert.Equal(3, harness.Engine.Fdb.StaticOnPort(EvbPort));
    }

    [Fact]
    public void ChangingThePortsSecurityKeepsItsVsiEntries()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10)));

        Republish(harness, new BridgeConfig
        {
            Ports = [Evb(enforced: true, new VsiBinding("vm-a", VmA, 10)) with { Security = new PortSecurity { Enabled = true, MaxMacs = 4 } }, Uplink()],
        });

        Assert.Equal((EvbPort, FdbEntryKind.Static), (harness.Engine.Fdb.Lookup(10, VmA), harness.Engine.Fdb.KindOf(10, VmA)));
        harness.Send(EvbPort, Frame(VmA, Remote, 10));
        Assert.Single(harness.DrainEgress());
    }

    [Fact]
    public void AVsiBoundOnAnotherPortTakesItsEntryAlong()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10), new VsiBinding("vm-b", VmB, 10)));

        Republish(harness, new BridgeConfig { Ports = [Evb(enforced: true, new VsiBinding("vm-a", VmA, 10)), Uplink(new VsiBinding("vm-b", VmB, 10))] });

        Assert.Equal((UplinkPort, FdbEntryKind.Static), (harness.Engine.Fdb.Lookup(10, VmB), harness.Engine.Fdb.KindOf(10, VmB)));
        Assert.Equal(EvbPort, harness.Engine.Fdb.Lookup(10, VmA));
        harness.Send(EvbPort, Frame(VmB, Remote, 10));
        Assert.Equal(1, harness.Engine.Counters(EvbPort).DroppedFor(DropReason.VsiNotAssociated));   // no longer associated here
    }

    [Fact]
    public void AHijackerOnAnotherPortCannotTakeAnAssociatedMac()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10)));

        harness.Send(UplinkPort, Frame(VmA, Remote, 10));   // the VM's source MAC, from the wrong port
        harness.DrainEgress();
        harness.Send(UplinkPort, Frame(Remote, VmA, 10));

        Assert.Equal((EvbPort, FdbEntryKind.Static), (harness.Engine.Fdb.Lookup(10, VmA), harness.Engine.Fdb.KindOf(10, VmA)));
        Assert.Equal(0, harness.Engine.Counters(UplinkPort).MovedIn);
        Assert.Equal(EvbPort, Assert.Single(harness.DrainEgress()).Port);   // the VM's traffic still reaches the VM
    }

    [Fact]
    public void AVsiCountsFramesFromItAndUnicastToItButNotFloodsToItsPort()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10), new VsiBinding("vm-b", VmB, 20)));
        byte[] fromVm = Frame(VmA, Remote, 10);

        harness.Send([(EvbPort, fromVm), (EvbPort, fromVm), (UplinkPort, Frame(Remote, VmA, 10))]);
        int toVmBytes = harness.DrainEgress().Single(copy => copy.Port == EvbPort).Bytes.Length;
        harness.Send([(UplinkPort, Frame(Remote, MacAddress.Broadcast, 10)), (UplinkPort, Frame(Remote, Stranger, 10))]);
        Assert.Equal(2, harness.DrainEgress().Count(copy => copy.Port == EvbPort));   // both flooded to the VMs' port

        VsiCounters a = harness.Engine.VsiCounters("vm-a")!;
        Assert.Equal((2, 2L * fromVm.Length, 1, (long)toVmBytes), (a.RxFrames, a.RxBytes, a.TxFrames, a.TxBytes));
        Assert.Equal((0, 0), (a.DroppedTotal, a.EgressDroppedTotal));
        VsiCounters b = harness.Engine.VsiCounters("vm-b")!;
        Assert.Equal((0, 0), (b.RxFrames, b.TxFrames));
        Assert.Null(harness.Engine.VsiCounters("vm-z"));
    }

    [Fact]
    public void DropsAfterAdmissionAndDropsOfCopiesToTheVmAreChargedToTheVsi()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10), new VsiBinding("vm-b", VmB, 10)) with
        {
            Acls = [NoDns],
            VmAcls = [new VmAclBinding("evb", VmA, "no-dns", Vid: 10)],
        });

        harness.Send(
        [
            (EvbPort, Dns(VmA, Remote, 10)),          // the VM's ACL, ingress
            (EvbPort, Frame(VmA, VmB, 10)),           // VM B is behind the same port, which does not reflect
            (UplinkPort, Dns(Remote, VmA, 10)),       // the VM's ACL, egress
            (EvbPort, Frame(Stranger, Remote, 10)),   // not admitted: no VSI's drop
        ]);

        Assert.Empty(harness.DrainEgress());
        VsiCounters a = harness.Engine.VsiCounters("vm-a")!;
        Assert.Equal(2, a.RxFrames);
        Assert.Equal((1, 1, 2), (a.DroppedFor(DropReason.AclDenied), a.DroppedFor(DropReason.ReflectiveRelayOff), a.DroppedTotal));
        Assert.Equal((1, 1, 0), (a.EgressDroppedFor(DropReason.AclDenied), a.EgressDroppedTotal, a.TxFrames));
        Assert.Equal(0, harness.Engine.VsiCounters("vm-b")!.EgressDroppedTotal);   // the reflected copy never left
        VsiCountersSnapshot snapshot = a.Snapshot();
        Assert.Equal(new Dictionary<DropReason, long> { [DropReason.AclDenied] = 1, [DropReason.ReflectiveRelayOff] = 1 }, snapshot.Dropped);
        Assert.Equal(new Dictionary<DropReason, long> { [DropReason.AclDenied] = 1 }, snapshot.EgressDropped);
    }

    [Fact]
    public void ABufferHandedInAgainIsNotChargedToTheVsiItLastCameFrom()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10)));
        harness.Send(EvbPort, Frame(VmA, Remote, 10));
        Assert.True(harness.Engine.Egress(UplinkPort).TryDequeue(out FrameBuffer? forwarded));

        Stranger.Write(forwarded.Span[MacAddress.Size..]);   // the receiver reuses the buffer without returning it to the pool
        forwarded.IngressPort = EvbPort;
        harness.Engine.ProcessBatch([forwarded]);

        Assert.Equal(1, harness.Engine.Counters(EvbPort).DroppedFor(DropReason.VsiNotAssociated));
        Assert.Equal(0, harness.Engine.VsiCounters("vm-a")!.DroppedTotal);
    }

    [Fact]
    public void AVsiKeepsItsCountersWhenItsBindingGoesAndComesBack()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10)));
        harness.Send(EvbPort, Frame(VmA, Remote, 10));
        VsiCounters counters = harness.Engine.VsiCounters("vm-a")!;

        Republish(harness, Config());
        harness.Send(EvbPort, Frame(VmA, Remote, 10));
        Assert.Equal(1, harness.Engine.Counters(EvbPort).DroppedFor(DropReason.VsiNotAssociated));
        Assert.Same(counters, harness.Engine.VsiCounters("vm-a"));
        Republish(harness, Config(new VsiBinding("vm-a", VmA, 20)));   // back, in another VLAN
        harness.Send(EvbPort, Frame(VmA, Remote, 20));

        Assert.Same(counters, harness.Engine.VsiCounters("vm-a"));
        Assert.Equal(2, counters.RxFrames);
        Assert.Equal(2, harness.DrainEgress().Count);
    }

    [Fact]
    public void AllVsiCountersListsEveryVsiEverBoundByName()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-b", VmB, 10), new VsiBinding("vm-a", VmA, 10), new VsiBinding("vm-a", VmA, 20)));
        Republish(harness, Config(new VsiBinding("vm-c", VmC, 10)));

        Assert.Equal(["vm-a", "vm-b", "vm-c"], harness.Engine.AllVsiCounters().Select(entry => entry.Vsi));
    }

    [Fact]
    public void APortThatDoesNotEnforceAdmitsEveryoneAndCountsItsVsis()
    {
        var harness = new BridgeHarness(new BridgeConfig { Ports = [Evb(enforced: false, new VsiBinding("vm-a", VmA, 10)), Uplink()] });

        harness.Send([(EvbPort, Frame(Stranger, Remote, 10)), (EvbPort, Frame(VmA, Remote, 10))]);

        Assert.Equal(2, harness.DrainEgress().Count);
        Assert.Equal(1, harness.Engine.VsiCounters("vm-a")!.RxFrames);
        Assert.Equal(FdbEntryKind.Static, harness.Engine.Fdb.KindOf(10, VmA));
    }

    [Fact]
    public void ABindingOutsideItsPortsVlansIsRefused()
    {
        var error = Assert.Throws<InvalidBridgeConfigException>(() => new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 30))));

        Assert.Contains(error.Errors, message => message.Contains("vsi vm-a: VLAN 30 is not one of the port's VLANs", StringComparison.Ordinal));
    }

    [Fact]
    public void OneMacAndVlanBoundOnTwoPortsIsRefusedAndTheRunningConfigurationStays()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10)));

        var error = Assert.Throws<InvalidBridgeConfigException>(() => harness.Engine.Publish(new BridgeConfig
        {
            Ports = [Evb(enforced: true, new VsiBinding("vm-a", VmA, 10)), Uplink(new VsiBinding("vm-a2", VmA, 10))],
        }));

        Assert.Contains(error.Errors, message => message.Contains("is bound on port evb and on port uplink", StringComparison.Ordinal));
        harness.Send(EvbPort, Frame(VmA, Remote, 10));
        Assert.Single(harness.DrainEgress());
    }

    [Fact]
    public void MoreVsisThanAFrameCanNameAreRefused()
    {
        VsiBinding[] bindings = [.. Enumerable.Range(0, BridgeConfig.MaxVsis + 1).Select(i => new VsiBinding($"vm-{i}", new MacAddress(0x52_54_00_00_00_00UL | (uint)i), 10))];
        var options = new BridgeEngineOptions { MaxStaticEntries = 2 * BridgeConfig.MaxVsis };

        var error = Assert.Throws<InvalidBridgeConfigException>(() => new BridgeHarness(Config(bindings), options: options));

        Assert.Equal($"vsi: {BridgeConfig.MaxVsis + 1} VSIs bound, at most {BridgeConfig.MaxVsis} are supported", Assert.Single(error.Errors));
    }

    [Fact]
    public void AdmissionAndVsiCountingAllocateNothingPerFrame()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vm-a", VmA, 10), new VsiBinding("vm-b", VmB, 10)));
        byte[][] frames = [Frame(VmA, Remote, 10), Frame(Stranger, Remote, 10), Frame(VmB, MacAddress.Broadcast, 10), Frame(Remote, VmA, 10)];
        int[] ports = [EvbPort, EvbPort, EvbPort, UplinkPort];
        var batch = new FrameBuffer[frames.Length];
        harness.SendRecycled(frames, ports, batch, 500);   // JIT, tiering and static set-up first

        // Per-frame allocation would show in every window; a one-off of the runtime's (a method's
        // tier-up compiled on this thread) in one at most.
        long[] allocated = new long[4];
        for (int window = 0; window < allocated.Length; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            harness.SendRecycled(frames, ports, batch, 1_000);
            allocated[window] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(allocated.Count(bytes => bytes == 0) >= allocated.Length - 1, $"bytes allocated per window of 4,000 frames: {string.Join(", ", allocated)}");
        Assert.Equal(4_500, harness.Engine.VsiCounters("vm-a")!.TxFrames);
    }

    [Fact]
    public void AVidOnlyFilterAdmitsAnyMacInItsVlanAndPinsNone()
    {
        var harness = new BridgeHarness(Config(new VsiBinding("vlan-wide", MacAddress.Zero, 10)));

        harness.Send([(EvbPort, Frame(VmA, Remote, 10)), (EvbPort, Frame(Stranger, Remote, 10)), (EvbPort, Frame(VmA, Remote, 20))]);

        Assert.Equal(2, harness.DrainEgress().Count);
        Assert.Equal(1, harness.Engine.Counters(EvbPort).DroppedFor(DropReason.VsiNotAssociated));
        Assert.Equal(2, harness.Engine.VsiCounters("vlan-wide")!.RxFrames);
        Assert.All(harness.Engine.Fdb.Snapshot(), entry => Assert.Equal(FdbEntryKind.Learned, entry.Kind));   // its VMs are learned, not pinned
    }
}
