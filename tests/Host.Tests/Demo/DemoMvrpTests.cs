// The in-process story's MVRP trunk: the bridge's MvrpPlane on agg and the aggregation's on acc, back to
// back. The bridge declares VLAN 10 while a VSI of that VLAN is associated; the aggregation registers it
// (and its engine's acc carries it) only then. Checked against both participants and both engines.
using System.Text.RegularExpressions;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Demo;
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Demo;

public sealed class DemoMvrpTests
{
    private const int Vlan = DemoConfigs.Vlan;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(3);

    private static MvrpPortInfo BridgeEnd(DemoControlPlane control) =>
        control.Mvrp.Bridge.Show(control.Now).Single(port => port.Port == DemoConfigs.AggregationUplink);

    private static MvrpPortInfo AggregationEnd(DemoControlPlane control) =>
        control.Mvrp.Aggregation.Show(control.Now).Single(port => port.Port == DemoConfigs.AggregationDownlink);

    private static bool AggregationCarries(DemoControlPlane control, int vid)
    {
        BridgeConfig engine = control.Mvrp.AggregationEngine.Engine.Config;
        return engine.Ports[engine.IndexOf(DemoConfigs.AggregationDownlink)].Vlans.Members.Contains(vid);
    }

    [Fact]
    public void BeforeAnyVmIsAssociatedTheBridgeDeclaresNothingAndTheAggregationRegistersNothing()
    {
        (DemoBridge bridge, DemoControlPlane control) = DemoScenario.Create();
        control.RunFor(Settle);

        Assert.Empty(BridgeEnd(control).Declared);
        Assert.Empty(AggregationEnd(control).Registered);
        Assert.False(AggregationCarries(control, Vlan));
        // The other way, the aggregation declares host-d's VLAN (declare_static), which the bridge's agg registers and carries.
        Assert.Equal([Vlan], AggregationEnd(control).Declared);
        Assert.Equal([Vlan], BridgeEnd(control).Dynamic);
        PortConfig agg = bridge.Engine.Config.Ports[bridge.PortIndex(DemoConfigs.AggregationUplink)];
        Assert.True(agg.Vlans.Members.Contains(Vlan));
        Assert.False(agg.Vlans.Untagged.Contains(Vlan));
    }

    [Fact]
    public void TheFirstVsiOfVlan10AssociatedHasTheBridgeDeclareItAndTheAggregationRegisterIt()
    {
        (_, DemoControlPlane control) = DemoScenario.Create();
        control.RunFor(Settle);
        int sent = control.Wire.Log.Count;

        control.Announce(DemoScenario.VsiA);
        control.RunFor(TimeSpan.FromSeconds(1));   // a join time (0.2 s) and the association, with room

        Assert.Equal([Vlan], BridgeEnd(control).Declared);
        Assert.Equal([Vlan], AggregationEnd(control).Dynamic);
        Assert.True(AggregationCarries(control, Vlan));
        Assert.Contains(control.Wire.Log.Skip(sent), frame => frame.Link == DemoConfigs.AggregationUplink && frame.From == DemoMvrp.BridgeEnd
            && Regex.IsMatch(FrameDescription.Control(frame.Frame, DemoScenario.Hosts), $@"^MVRP (LeaveAll, )?(New|JoinIn|JoinMt) {Vlan}$"));
        Assert.Contains(control.Log.Lines, line => line.Appliance == DemoMvrp.AggregationEnd
            && line.Message.StartsWith($"port {DemoConfigs.AggregationDownlink}: MVRP registered VLAN {Vlan}", StringComparison.Ordinal));
    }

    [Fact]
    public void BeforeAnyVmIsAssociatedHostDsFramesForVmANeverLeaveTheAggregation()
    {
        (DemoBridge bridge, DemoControlPlane control) = DemoScenario.Create();
        control.RunFor(Settle);

        (string port, byte[] frame) = DemoScenario.AcrossTheTrunk(control)[0];
        FrameOutcome outcome = DemoScenario.Send(bridge, control, port, frame);

        Assert.Equal(DemoConfigs.HostDPort, port);
        Assert.False(outcome.DeliveredTo(DemoConfigs.AggregationDownlink));
        Assert.Null(outcome.Beyond);
    }

    [Fact]
    public void OnceTheAggregationRegisteredVlan10VmAAndHostDReachEachOtherAcrossBothAppliances()
    {
        (DemoBridge bridge, DemoControlPlane control) = DemoScenario.CreateAssociated();

        FrameOutcome[] outcomes = [.. DemoScenario.AcrossTheTrunk(control).Select(frame => DemoScenario.Send(bridge, control, frame.Port, frame.Frame))];

        // host-d to vm-a: up the aggregation's acc tagged 10, then down hv1 by vm-a's pinned entry.
        Assert.Equal([new Delivery(DemoConfigs.AggregationDownlink, Reflected: false, Modified: true, Vid: Vlan)], outcomes[0].Deliveries);
        Assert.Equal(DemoMvrp.BridgeEnd, outcomes[0].BeyondAppliance);
        Assert.Equal([DemoScenario.Uplink], outcomes[0].Beyond!.Deliveries.Select(delivery => delivery.Port));
        // vm-a to host-d: the bridge learned host-d behind agg; the aggregation hands it to host-d untagged.
        Assert.Equal([DemoConfigs.AggregationUplink], outcomes[1].Deliveries.Select(delivery => delivery.Port));
        Assert.Equal([new Delivery(DemoConfigs.HostDPort, Reflected: false, Modified: true, Vid: 0)], outcomes[1].Beyond!.Deliveries);
    }

    [Fact]
    public void OneVmLeavingKeepsVlan10RegisteredWhileAnotherStillNeedsIt()
    {
        (_, DemoControlPlane control) = DemoScenario.CreateAssociated();

        control.Withdraw(DemoScenario.VsiA, DemoScenario.Uplink);
        control.RunFor(Settle);

        Assert.Single(control.Associations);
        Assert.Equal([Vlan], BridgeEnd(control).Declared);
        Assert.Equal([Vlan], AggregationEnd(control).Registered);
    }

    [Fact]
    public void TheMoveKeepsVlan10RegisteredAndTheLastVsiLeavingWithdrawsIt()
    {
        (_, DemoControlPlane control) = DemoScenario.CreateMoved();
        control.RunFor(Settle);

        Assert.Equal([Vlan], AggregationEnd(control).Registered);

        DemoScenario.Leave(control);

        Assert.Empty(control.Associations);
        Assert.Empty(BridgeEnd(control).Declared);
        Assert.Empty(AggregationEnd(control).Registered);
        Assert.False(AggregationCarries(control, Vlan));
        Assert.Contains(control.Log.Lines, line => line.Appliance == DemoMvrp.AggregationEnd
            && line.Message.StartsWith($"port {DemoConfigs.AggregationDownlink}: MVRP deregistered VLAN {Vlan}", StringComparison.Ordinal));
    }
}
