// `hairpin demo --in-process`: the printed story is pinned by a golden file, and the facts it tells are
// checked here directly against the protocol machines (the stations, the bridge's 802.1Qbg plane, both
// ends' MVRP participants) and the engine's rings and counters, so a wrong golden file cannot hide them.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Demo;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Demo;

public sealed class DemoScenarioTests
{
    private const string Uplink = DemoScenario.Uplink;
    private const string Server = DemoScenario.Server;
    private const string Destination = DemoScenario.DestinationUplink;
    private const string Trunk = DemoScenario.Trunk;

    private static string RunDemo()
    {
        using var output = new StringWriter { NewLine = "\n" };
        DemoScenario.Run(output);
        return output.ToString();
    }

    [Fact]
    public void TheDemoOutputMatchesTheVerifiedFile() => Golden.Verify(RunDemo());

    [Fact]
    public void TheDemoPrintsTheSameThingEveryTime() => Assert.Equal(RunDemo(), RunDemo());

    [Fact]
    public void TheStationAnnouncesBothVmsAndTheBridgeGivesEachTheVlanOfItsVsiType()
    {
        (DemoBridge bridge, DemoControlPlane qbg) = DemoScenario.CreateAssociated();

        foreach (DemoVsi vsi in DemoScenario.Vsis)
        {
            Assert.True(qbg.Station.Vdp.TryGet(vsi.Id, out StationVsi? station));
            Assert.Equal((StationVsiState.Associated, 0, 10), (station.State, station.Spec.Vid, station.Vid));   // asked VID 0, adopted 10
            Assert.True(qbg.Bridge.Vdp.TryGet(vsi.Id, out VsiRecord? record));
            Assert.Equal((VsiState.Associated, (uint)vsi.Type), (record.State, record.TypeId));
            VdpFilter filter = Assert.Single(record.Filters);
            Assert.Equal((vsi.Vm.Mac, 10), (filter.Mac, filter.Vid));
        }
        // The engine admits exactly the associated (MAC, VID) pairs on hv1, which carries VLAN 10 tagged.
        PortConfig hv1 = bridge.Engine.Config.Ports[bridge.PortIndex(Uplink)];
        Assert.True(hv1.Vsi.Enforced);
        Assert.Equal(
            [(DemoScenario.VmA.Mac, 10), (DemoScenario.VmB.Mac, 10)],
            hv1.Vsi.Bindings.OrderBy(binding => binding.Mac.Value).Select(binding => (binding.Mac, binding.Vid)));
        Assert.True(hv1.Vlans.Members.Contains(10));
        Assert.False(hv1.Vlans.Untagged.Contains(10));
    }

    [Fact]
    public void AVmIsNotAdmittedBeforeItsVsiIsAssociated()
    {
        (DemoBridge bridge, DemoControlPlane qbg) = DemoScenario.Create();

        (string port, byte[] frame) = DemoScenario.FromVm(qbg, DemoScenario.VmA, DemoFrames.Udp(DemoScenario.VmA, DemoScenario.HostC));
        FrameOutcome outcome = bridge.Send(port, frame);

        Assert.Empty(outcome.Deliveries);
        Assert.Equal(DropReason.VsiNotAssociated, Assert.Single(outcome.Drops).Reason);
    }

    [Fact]
    public void WithHairpinPinnedOffTheStationIsGrantedRelayYetNothingLeavesByTheUplink()
    {
        (DemoBridge bridge, DemoControlPlane qbg) = DemoScenario.CreateAssociated();

        FrameOutcome[] outcomes = [.. DemoScenario.VmToVm(qbg).Select(frame => bridge.Send(frame.Port, frame.Frame))];

        Assert.True(qbg.Bridge.ReflectiveRelay);    // the negotiation granted it (RRCTR) ...
        Assert.True(qbg.Station.ReflectiveRelay);   // ... and the station heard so
        Assert.False(bridge.Engine.Config.Ports[bridge.PortIndex(Uplink)].Hairpin);   // but hairpin: false pins it off
        Assert.Equal("off (pinned, station asks on)", DemoControlView.Of(qbg, bridge).HairpinOf(Uplink));
        Assert.All(outcomes, outcome => Assert.False(outcome.DeliveredTo(Uplink)));
        Assert.Equal(0, bridge.Counters(Uplink).TxFrames);
        Assert.Equal(1, bridge.Counters(Server).TxFrames);   // the ARP broadcast, and only that
        Assert.Equal(2, bridge.Counters(Uplink).DroppedFor(DropReason.ReflectiveRelayOff));
    }

    [Fact]
    public void WithHairpinAutoTheArpBroadcastGoesBackUpTaggedOnceToTheServerUntaggedOnceAndUpTheTrunkOnce()
    {
        (DemoBridge bridge, DemoControlPlane qbg) = DemoScenario.CreateAssociated();
        qbg.SetHairpin(HairpinMode.Auto);

        (string port, byte[] frame) = DemoScenario.FromVm(qbg, DemoScenario.VmA, DemoFrames.ArpRequest(DemoScenario.VmA, DemoScenario.VmB));
        FrameOutcome outcome = bridge.Send(port, frame);

        Assert.Equal("on (negotiated)", DemoControlView.Of(qbg, bridge).HairpinOf(Uplink));
        // The trunk carries VLAN 10 too: the aggregation declares it (declare_static), so the bridge registered it there.
        Assert.Equal(
            [
                new Delivery(Uplink, Reflected: true, Modified: false, Vid: 10),
                new Delivery(Server, Reflected: false, Modified: true, Vid: 0),
                new Delivery(Trunk, Reflected: false, Modified: false, Vid: 10),
            ],
            outcome.Deliveries);
        Assert.Equal(1, bridge.Counters(Uplink).TxFrames);
        Assert.Empty(outcome.Drops);
    }

    [Fact]
    public void UnicastFromAToBIsDroppedAsReflectiveRelayOffBeforeAndReflectedAfterHairpinAuto()
    {
        (DemoBridge bridge, DemoControlPlane qbg) = DemoScenario.CreateAssociated();
        (string port, byte[] aToB) = DemoScenario.FromVm(qbg, DemoScenario.VmA, DemoFrames.Udp(DemoScenario.VmA, DemoScenario.VmB));
        PortCounters uplink = bridge.Counters(Uplink);

        FrameOutcome before = bridge.Send(port, aToB);

        Assert.Empty(before.Deliveries);
        Drop drop = Assert.Single(before.Drops);
        Assert.Equal((Uplink, DropReason.ReflectiveRelayOff, 1L, false), (drop.Port, drop.Reason, drop.Count, drop.AtEgress));
        Assert.Equal("dropped: reflective-relay-off", DemoPrinter.Verdict(before));

        qbg.SetHairpin(HairpinMode.Auto);
        FrameOutcome after = bridge.Send(port, aToB);

        Assert.Equal([new Delivery(Uplink, Reflected: true, Modified: false, Vid: 10)], after.Deliveries);
        Assert.Empty(after.Drops);
        Assert.Equal(1, uplink.DroppedFor(DropReason.ReflectiveRelayOff));
        Assert.Equal("-> hv1 (reflected)", DemoPrinter.Verdict(after));
    }

    [Fact]
    public void HostCsFramesReachTheVmTaggedAndTheVmsReachHostCUntagged()
    {
        (DemoBridge bridge, DemoControlPlane qbg) = DemoScenario.CreateAssociated();

        FrameOutcome[] outcomes = [.. DemoScenario.VmToServer(qbg).Select(frame => bridge.Send(frame.Port, frame.Frame))];

        Assert.Equal(
            [new Delivery(Uplink, Reflected: false, Modified: true, Vid: 10), new Delivery(Trunk, Reflected: false, Modified: true, Vid: 10)],
            outcomes[0].Deliveries);
        Assert.Equal("-> hv1 (tagged 10), agg (tagged 10)", DemoPrinter.Verdict(outcomes[0]));
        Assert.All(outcomes[1..], outcome => Assert.Equal([new Delivery(Server, Reflected: false, Modified: true, Vid: 0)], outcome.Deliveries));
        Assert.Equal("-> hv2 (untagged)", DemoPrinter.Verdict(outcomes[2]));
    }

    [Fact]
    public void TheReloadAsksBothVsisAgainKeepsThemAndBindsEachTypesAcl()
    {
        (DemoBridge bridge, DemoControlPlane qbg) = DemoScenario.CreateAssociated();

        qbg.Reload(DemoScenario.PolicyConfig());

        // Both still held, and neither station was told to let go.
        Assert.Equal(2, qbg.Associations.Count);
        Assert.All(qbg.Station.Vdp.Vsis, vsi => Assert.Equal(StationVsiState.Associated, vsi.State));
        Assert.Equal(0, qbg.Station.Vdp.Counters.BridgeDeassociations);
        Assert.Equal(
            [(DemoScenario.VmA.Mac, DemoConfigs.VmAPolicy, 10), (DemoScenario.VmB.Mac, DemoConfigs.VmBPolicy, 10)],
            bridge.Engine.Config.VmAcls.OrderBy(binding => binding.Mac.Value).Select(binding => (binding.Mac, binding.Acl, binding.Vid)));
        Assert.Equal("on (negotiated)", DemoControlView.Of(qbg, bridge).HairpinOf(Uplink));   // the file no longer pins it
    }

    [Fact]
    public void TheScenarioStepsReportWhatTheProtocolAndTheEngineDid()
    {
        DemoRun run = DemoScenario.Execute();

        Assert.Equal(6, run.Steps.Count);
        Assert.All(run.Steps[0].Control.Vsis, vsi => Assert.Equal("associated, tags 10", vsi.Station));
        Assert.Contains(run.Steps[0].Exchange, frame => frame.From == DemoControlPlane.BridgeEnd && frame.Link == Uplink
            && FrameDescription.Control(frame.Frame, run.Hosts).EndsWith("Associate 42/1 vm-a@10 accepted", StringComparison.Ordinal));
        Assert.Equal(["off (pinned, station asks on)", "on (negotiated)", "on (negotiated)", "on (negotiated)", "on (negotiated)", "on (negotiated)"],
            run.Steps.Select(step => step.Control.HairpinOf(Uplink)));
        Assert.All(run.Steps[0].Frames, frame => Assert.False(frame.DeliveredTo(Uplink)));
        Assert.All(run.Steps[1].Frames, frame => Assert.Equal(1, frame.CopiesTo(Uplink)));
        Assert.All(run.Steps[2].Frames.Where(frame => frame.IngressPort == Uplink), frame => Assert.False(frame.DeliveredTo(Uplink)));
        Assert.All(run.Steps[0].Control.Vsis, vsi => Assert.Null(vsi.Acl));
        Assert.Equal([DemoConfigs.VmAPolicy, DemoConfigs.VmBPolicy], run.Steps[3].Control.Vsis.Select(vsi => vsi.Acl));
        // The move: vm-a's VSI on hv3 with its type's ACL, vm-b's still on hv1; the plane logged it.
        Assert.Equal([("vm-a", Destination, DemoConfigs.VmAPolicy), ("vm-b", Uplink, DemoConfigs.VmBPolicy)],
            run.Steps[4].Control.Vsis.Select(vsi => (vsi.Vm, vsi.Port, vsi.Acl)));
        Assert.Contains(run.Steps[4].Log, line => line.Message.StartsWith($"VSI {DemoScenario.VsiA.Id} moved from port hv1 to port hv3", StringComparison.Ordinal));
        Assert.Empty(run.Steps[5].Control.Vsis);
        // MVRP: the aggregation's acc registers VLAN 10 from the first step (the bridge declares it for its VSIs) until the VMs left.
        Assert.Equal(["10 (dynamic 10)", "10 (dynamic 10)", "10 (dynamic 10)", "10 (dynamic 10)", "10 (dynamic 10)", "-"],
            run.Steps.Select(step => step.Control.Trunk.Single(end => end.Appliance == DemoMvrp.AggregationEnd).Registered));
        Assert.Equal(["10", "-"], new[] { run.Steps[4], run.Steps[5] }.Select(step => step.Control.Trunk.Single(end => end.Appliance == DemoMvrp.BridgeEnd).Declared));
        PortCounters uplink = run.Bridge.Counters(Uplink);
        // Conservation on the uplink: everything received was forwarded or dropped.
        Assert.Equal(uplink.RxFrames, uplink.Forwarded + uplink.Trapped + uplink.DroppedTotal);
        Assert.Equal(2, uplink.DroppedFor(DropReason.ReflectiveRelayOff));
        Assert.Equal(5, uplink.DroppedFor(DropReason.AclDenied));
        Assert.Equal(2, uplink.DroppedFor(DropReason.VsiNotAssociated));   // the forged MAC, and vm-a's late frame from the source after the move
        Assert.Equal(9, uplink.DroppedTotal);
        Assert.Equal(1, run.Bridge.Counters(Destination).DroppedFor(DropReason.AclDenied));
    }

    [Fact]
    public void TheTypesPolicyStopsEveryWayFromVmAToVmBAndLetsVmAReachHostC()
    {
        (DemoBridge bridge, DemoControlPlane qbg) = Learned();
        qbg.Reload(DemoScenario.PolicyConfig());

        FrameOutcome[] outcomes = [.. DemoScenario.IsolationAttempts(qbg).Select(frame => bridge.Send(frame.Port, frame.Frame))];

        // ARP for B, unicast to B, B's IP behind the broadcast and a multicast MAC: each denied by type 42's ACL.
        Assert.All(outcomes[..4], outcome =>
        {
            Assert.Empty(outcome.Deliveries);
            Assert.Equal(DropReason.AclDenied, Assert.Single(outcome.Drops).Reason);
        });
        // A source MAC no VSI holds is not admitted on an evb: port at all.
        Assert.Empty(outcomes[4].Deliveries);
        Assert.Equal(DropReason.VsiNotAssociated, Assert.Single(outcomes[4].Drops).Reason);
        // vm-b to vm-a: denied by type 43's ACL.
        Assert.Equal(DropReason.AclDenied, Assert.Single(outcomes[5].Drops).Reason);
        Assert.Equal([new Delivery(Server, Reflected: false, Modified: true, Vid: 0)], outcomes[6].Deliveries);
    }

    [Fact]
    public void AMacPairRuleLetsVmAReachVmBThroughTheBroadcastMacWhichIsWhyTheDemoMatchesByIp()
    {
        (DemoBridge bridge, DemoControlPlane qbg) = Learned();
        BridgeConfig engine = bridge.Engine.Config;
        var macPair = new AccessList
        {
            Name = "mac-pair",
            DefaultVerdict = AclVerdict.Permit,
            Rules = [new AclRule("vm-a-not-vm-b", AclVerdict.Deny, new AclMatch { SourceMac = DemoScenario.VmA.Mac, DestinationMac = DemoScenario.VmB.Mac })],
        };
        bridge.Engine.Publish(engine with
        {
            Acls = [macPair],
            Ports = [.. engine.Ports.Select(port => port.Name == Uplink ? port with { IngressAcl = "mac-pair" } : port)],
        });

        FrameOutcome unicast = bridge.Send(Uplink, DemoScenario.FromVm(qbg, DemoScenario.VmA, DemoFrames.Udp(DemoScenario.VmA, DemoScenario.VmB)).Frame);
        FrameOutcome viaBroadcast = bridge.Send(Uplink,
            DemoScenario.FromVm(qbg, DemoScenario.VmA, DemoFrames.UdpVia(DemoScenario.VmA, MacAddress.Broadcast, DemoScenario.VmB)).Frame);

        Assert.Equal(DropReason.AclDenied, Assert.Single(unicast.Drops).Reason);
        // The reflected broadcast goes back out hv1, where the dumb vswitch hands it to every VM, vm-b included.
        Assert.Equal(1, viaBroadcast.CopiesTo(Uplink));
        Assert.Empty(viaBroadcast.Drops);
    }

    /// <summary>Both VMs associated, hairpin auto, and every host learned where it is (step 3's traffic).</summary>
    private static (DemoBridge Bridge, DemoControlPlane Qbg) Learned()
    {
        (DemoBridge bridge, DemoControlPlane qbg) = DemoScenario.CreateAssociated();
        qbg.SetHairpin(HairpinMode.Auto);
        foreach ((string port, byte[] frame) in DemoScenario.VmToVm(qbg).Concat(DemoScenario.VmToServer(qbg)))
        {
            bridge.Send(port, frame);
        }
        return (bridge, qbg);
    }

    [Fact]
    public void AVerdictListsEveryCopyInPortOrderAndMarksReflectionAndTags()
    {
        var outcome = new FrameOutcome(
            Uplink,
            [],
            [new Delivery(Uplink, Reflected: true, Modified: false, Vid: 10), new Delivery(Server, Reflected: false, Modified: true, Vid: 0)],
            [],
            Trapped: false);

        Assert.Equal("-> hv1 (reflected), hv2 (untagged)", DemoPrinter.Verdict(outcome));
    }

    [Fact]
    public void ControlFramesAreDescribedAsReadOffTheWire()
    {
        DemoRun run = DemoScenario.Execute();

        string[] described = [.. run.Steps[0].Exchange.Select(frame => FrameDescription.Control(frame.Frame, run.Hosts))];

        Assert.Contains("LLDP ttl 120, EVB bridge:rrcap,rrctr station:rrreq,rrstat=enabled", described);
        Assert.Contains("ECP request 1: VDP manager demo, Associate 42/1 vm-a@0", described);
        Assert.Contains("ECP ack 1", described);
        Assert.Contains("ECP request 2: VDP manager demo, Associate 43/1 vm-b@10 accepted", described);
        Assert.Contains("MVRP JoinIn 10", described);
    }
}
