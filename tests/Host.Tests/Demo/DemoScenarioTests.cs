// `hairpin demo`: the printed story is pinned by a golden file, and the facts it tells are checked
// here directly against the engine's rings and counters, so a wrong golden file cannot hide them.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Demo;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Demo;

public sealed class DemoScenarioTests
{
    private const string Uplink = DemoScenario.Uplink;
    private const string Server = DemoScenario.Server;

    private static string RunDemo()
    {
        using var output = new StringWriter { NewLine = "\n" };
        DemoScenario.Run(output);
        return output.ToString();
    }

    [Fact]
    public void The_demo_output_matches_the_verified_file() => Golden.Verify(RunDemo());

    [Fact]
    public void The_demo_prints_the_same_thing_every_time() => Assert.Equal(RunDemo(), RunDemo());

    [Fact]
    public void With_hairpin_off_nothing_leaves_by_the_uplink()
    {
        DemoBridge bridge = DemoScenario.CreateBridge();

        FrameOutcome[] outcomes = [.. DemoScenario.VmToVm().Select(frame => bridge.Send(frame.Port, frame.Frame))];

        Assert.All(outcomes, outcome => Assert.False(outcome.DeliveredTo(Uplink)));
        Assert.Equal(0, bridge.Counters(Uplink).TxFrames);
        Assert.Equal(1, bridge.Counters(Server).TxFrames);   // the ARP broadcast, and only that
    }

    [Fact]
    public void With_hairpin_on_the_arp_broadcast_reaches_the_uplink_exactly_once_and_the_server_once()
    {
        DemoBridge bridge = DemoScenario.CreateBridge();
        bridge.SetHairpin(Uplink, on: true);

        FrameOutcome outcome = bridge.Send(Uplink, DemoFrames.ArpRequest(DemoScenario.VmA, DemoScenario.VmB));

        Assert.Equal(1, outcome.CopiesTo(Uplink));
        Assert.Equal(1, outcome.CopiesTo(Server));
        Assert.Equal(2, outcome.Deliveries.Count);
        Assert.True(outcome.Deliveries.Single(delivery => delivery.Port == Uplink).Reflected);
        Assert.All(outcome.Deliveries, delivery => Assert.False(delivery.Modified));
        Assert.Equal(1, bridge.Counters(Uplink).TxFrames);
        Assert.Empty(outcome.Drops);
    }

    [Fact]
    public void Unicast_from_a_to_b_is_dropped_as_reflective_relay_off_before_and_reflected_after_hairpin_on()
    {
        DemoBridge bridge = DemoScenario.CreateBridge();
        bridge.Send(Uplink, DemoFrames.ArpReply(DemoScenario.VmB, DemoScenario.VmA));   // the bridge learns B on hv1
        byte[] aToB = DemoFrames.Udp(DemoScenario.VmA, DemoScenario.VmB);
        PortCounters uplink = bridge.Counters(Uplink);
        long relayOffBefore = uplink.DroppedFor(DropReason.ReflectiveRelayOff);

        FrameOutcome before = bridge.Send(Uplink, aToB);

        Assert.Empty(before.Deliveries);
        Drop drop = Assert.Single(before.Drops);
        Assert.Equal((Uplink, DropReason.ReflectiveRelayOff, 1L, false), (drop.Port, drop.Reason, drop.Count, drop.AtEgress));
        Assert.Equal("reflective-relay-off", drop.ReasonName);
        Assert.Equal(relayOffBefore + 1, uplink.DroppedFor(DropReason.ReflectiveRelayOff));
        Assert.Equal("dropped: reflective-relay-off", DemoPrinter.Verdict(before));

        bridge.SetHairpin(Uplink, on: true);
        FrameOutcome after = bridge.Send(Uplink, aToB);

        Assert.Equal([new Delivery(Uplink, Reflected: true, Modified: false)], after.Deliveries);
        Assert.Empty(after.Drops);
        Assert.Equal(relayOffBefore + 1, uplink.DroppedFor(DropReason.ReflectiveRelayOff));
        Assert.Equal("-> hv1 (reflected)", DemoPrinter.Verdict(after));
    }

    [Fact]
    public void With_hairpin_on_unicast_from_a_to_c_leaves_by_the_server_port_only()
    {
        DemoBridge bridge = DemoScenario.CreateBridge();
        bridge.SetHairpin(Uplink, on: true);
        bridge.Send(Server, DemoFrames.ArpRequest(DemoScenario.HostC, DemoScenario.VmA));   // the bridge learns C on hv2

        FrameOutcome outcome = bridge.Send(Uplink, DemoFrames.Udp(DemoScenario.VmA, DemoScenario.HostC));

        Assert.Equal([new Delivery(Server, Reflected: false, Modified: false)], outcome.Deliveries);
        Assert.Equal("-> hv2", DemoPrinter.Verdict(outcome));
    }

    [Fact]
    public void The_scenario_steps_report_what_the_engine_did()
    {
        DemoRun run = DemoScenario.Execute();

        Assert.Equal(4, run.Steps.Count);
        Assert.All(run.Steps[0].Frames, frame => Assert.False(frame.DeliveredTo(Uplink)));
        Assert.Equal(1, run.Steps[1].Frames[0].CopiesTo(Uplink));
        Assert.All(run.Steps[1].Frames, frame => Assert.Equal(1, frame.CopiesTo(Uplink)));
        Assert.All(run.Steps[2].Frames.Where(frame => frame.IngressPort == Uplink), frame => Assert.False(frame.DeliveredTo(Uplink)));
        PortCounters uplink = run.Bridge.Counters(Uplink);
        // Conservation on the uplink: everything received was forwarded or dropped, and only two were dropped.
        Assert.Equal(uplink.RxFrames, uplink.Forwarded + uplink.Trapped + uplink.DroppedTotal);
        Assert.Equal(2, uplink.DroppedFor(DropReason.ReflectiveRelayOff));
        Assert.Equal(4, uplink.DroppedFor(DropReason.AclDenied));
        Assert.Equal(1, uplink.DroppedFor(DropReason.PortSecurityViolation));
        Assert.Equal(7, uplink.DroppedTotal);
    }

    [Fact]
    public void The_isolation_policy_stops_every_way_from_vm_a_to_vm_b_and_lets_vm_a_reach_host_c()
    {
        DemoBridge bridge = Learned(DemoScenario.CreateBridge());
        bridge.Engine.Publish(DemoScenario.IsolationConfig());

        FrameOutcome[] outcomes = [.. DemoScenario.IsolationAttempts().Select(frame => bridge.Send(frame.Port, frame.Frame))];

        // ARP for B, unicast to B, B's IP behind the broadcast and a multicast MAC: each denied by vm-a's ACL.
        Assert.All(outcomes[..4], outcome =>
        {
            Assert.Empty(outcome.Deliveries);
            Assert.Equal(DropReason.AclDenied, Assert.Single(outcome.Drops).Reason);
        });
        // A source MAC vm-a does not own escapes vm-a's binding, and port security drops it.
        Assert.Empty(outcomes[4].Deliveries);
        Assert.Equal(DropReason.PortSecurityViolation, Assert.Single(outcomes[4].Drops).Reason);
        Assert.Equal([new Delivery(Server, Reflected: false, Modified: false)], outcomes[5].Deliveries);
    }

    [Fact]
    public void Under_the_isolation_policy_vm_b_cannot_reach_vm_a_either()
    {
        DemoBridge bridge = Learned(DemoScenario.CreateBridge());
        bridge.Engine.Publish(DemoScenario.IsolationConfig());

        FrameOutcome outcome = bridge.Send(Uplink, DemoFrames.UdpVia(DemoScenario.VmB, MacAddress.Broadcast, DemoScenario.VmA));

        Assert.Empty(outcome.Deliveries);
        Assert.Equal(DropReason.AclDenied, Assert.Single(outcome.Drops).Reason);
    }

    [Fact]
    public void A_mac_pair_rule_lets_vm_a_reach_vm_b_through_the_broadcast_mac_which_is_why_the_demo_binds_by_vm_and_ip()
    {
        DemoBridge bridge = Learned(DemoScenario.CreateBridge());
        BridgeConfig isolation = DemoScenario.IsolationConfig();
        var macPair = new AccessList
        {
            Name = "mac-pair",
            DefaultVerdict = AclVerdict.Permit,
            Rules = [new AclRule("vm-a-not-vm-b", AclVerdict.Deny, new AclMatch { SourceMac = DemoScenario.VmA.Mac, DestinationMac = DemoScenario.VmB.Mac })],
        };
        bridge.Engine.Publish(isolation with
        {
            Acls = [macPair],
            VmAcls = [],
            Ports = [.. isolation.Ports.Select(port => port.Name == Uplink ? port with { IngressAcl = "mac-pair" } : port)],
        });

        FrameOutcome unicast = bridge.Send(Uplink, DemoFrames.Udp(DemoScenario.VmA, DemoScenario.VmB));
        FrameOutcome viaBroadcast = bridge.Send(Uplink, DemoFrames.UdpVia(DemoScenario.VmA, MacAddress.Broadcast, DemoScenario.VmB));

        Assert.Equal(DropReason.AclDenied, Assert.Single(unicast.Drops).Reason);
        // The reflected broadcast goes back out hv1, where the dumb vswitch hands it to every VM, vm-b included.
        Assert.Equal(1, viaBroadcast.CopiesTo(Uplink));
        Assert.Empty(viaBroadcast.Drops);
    }

    /// <summary>The bridge after step 3's traffic: every host learned where it is.</summary>
    private static DemoBridge Learned(DemoBridge bridge)
    {
        bridge.SetHairpin(Uplink, on: true);
        foreach ((string port, byte[] frame) in DemoScenario.VmToVm().Concat(DemoScenario.VmToServer()))
        {
            bridge.Send(port, frame);
        }
        return bridge;
    }

    [Fact]
    public void A_verdict_lists_every_copy_in_port_order_and_marks_reflection()
    {
        var outcome = new FrameOutcome(
            Uplink,
            [],
            [new Delivery(Uplink, Reflected: true, Modified: false), new Delivery(Server, Reflected: false, Modified: false)],
            [],
            Trapped: false);

        Assert.Equal("-> hv1 (reflected), hv2", DemoPrinter.Verdict(outcome));
    }
}
