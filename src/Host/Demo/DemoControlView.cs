// The control planes as one step of the in-process story left them, read from the protocol machines and
// the configuration each engine runs: each VSI at both ends of its uplink (what `vsi show` on either end
// would say), `link show`'s HAIRPIN column of each evb port a station is cabled to, and MVRP at both
// ends of the trunk (what `mvrp show` says). The printer formats it; nothing here is what the story expected.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Commands;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Mvrp;

namespace Hairpin.Host.Demo;

/// <summary>One VSI at both ends of one uplink.</summary>
/// <param name="Port">The bridge port the station's uplink is cabled to.</param>
/// <param name="Asked">The filter the station asked for, e.g. `vm-a@0` (VID 0: the bridge assigns).</param>
/// <param name="Bridge">The bridge port's record: its state and filter as settled (`associated vm-a@10`), or `-` when it holds none.</param>
/// <param name="Station">The station's state and the VID it tags the VM's frames with.</param>
/// <param name="Acl">The ACL bound to the VM on that port in the engine's configuration (its type's), or null.</param>
internal sealed record DemoVsiView(string Vm, string Port, string VsiId, string Type, string Manager, string Asked, string Bridge, string Station, string? Acl);

/// <param name="Hairpin">The port's HAIRPIN column of `link show`, e.g. `off (pinned, station asks on)`.</param>
/// <param name="Vlans">The port's VLANs in the engine (the file's plus the VSIs' VIDs, tagged).</param>
internal sealed record DemoPortView(string Port, string Hairpin, string Vlans);

/// <summary>One end of the MVRP trunk, as `mvrp show` and `link show` put it.</summary>
/// <param name="Registered">`10 (dynamic 10)`, or `-`.</param>
internal sealed record DemoTrunkView(string Appliance, string Port, string Declared, string Registered, string Vlans);

internal sealed record DemoControlView(IReadOnlyList<DemoVsiView> Vsis, IReadOnlyList<DemoPortView> Ports, IReadOnlyList<DemoTrunkView> Trunk)
{
    /// <summary>A port's HAIRPIN column; null when no station is cabled to it.</summary>
    public string? HairpinOf(string port) => Ports.FirstOrDefault(view => view.Port == port)?.Hairpin;

    public static DemoControlView Of(DemoControlPlane control, DemoBridge bridge)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(bridge);
        BridgeConfig engine = bridge.Engine.Config;
        var vsis = new List<DemoVsiView>();
        var ports = new List<DemoPortView>();
        foreach ((string port, EvbStationPort station) in control.Stations.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            EvbBridgePort bridgePort = control.BridgePort(port);
            vsis.AddRange(station.Vdp.Vsis.Select(vsi => Vsi(port, vsi, bridgePort, engine)));
            ports.Add(Port(control, bridge, port, bridgePort));
        }
        DemoMvrp mvrp = control.Mvrp;
        DemoTrunkView[] trunk =
        [
            TrunkEnd(DemoMvrp.BridgeEnd, DemoConfigs.AggregationUplink, mvrp.Bridge, engine, control.Now),
            TrunkEnd(DemoMvrp.AggregationEnd, DemoConfigs.AggregationDownlink, mvrp.Aggregation, mvrp.AggregationEngine.Engine.Config, control.Now),
        ];
        return new DemoControlView([.. vsis.OrderBy(vsi => vsi.Vm, StringComparer.Ordinal).ThenBy(vsi => vsi.Port, StringComparer.Ordinal)], ports, trunk);
    }

    private static DemoVsiView Vsi(string port, StationVsi station, EvbBridgePort bridgePort, BridgeConfig engine)
    {
        IReadOnlyList<DemoHost> hosts = DemoScenario.Hosts;
        string vm = FrameDescription.NameOf(station.Spec.Mac, hosts);
        string asked = $"{vm}@{station.Spec.Vid}";
        string held = bridgePort.Vdp.TryGet(station.Spec.Id, out VsiRecord? record)
            ? $"{State(record)} {string.Join(",", record.Filters.Select(filter => $"{(filter.Mac is { } mac ? FrameDescription.NameOf(mac, hosts) : "vid")}@{filter.Vid}"))}"
            : "-";
        string adopted = station.Vid == 0 ? KebabNames.Of(station.State) : $"{KebabNames.Of(station.State)}, tags {station.Vid}";
        string? acl = engine.VmAcls.FirstOrDefault(binding => binding.Port == port && binding.Mac == station.Spec.Mac)?.Acl;
        return new DemoVsiView(vm, port, station.Spec.Id.ToString(), $"{station.Spec.TypeId}/{station.Spec.TypeVersion}", station.Spec.Manager.ToString(),
            asked, held, adopted, acl);
    }

    private static DemoPortView Port(DemoControlPlane control, DemoBridge bridge, string port, EvbBridgePort bridgePort)
    {
        PortConfig running = bridge.Engine.Config.Ports[bridge.PortIndex(port)];
        EvbPortConfig evb = control.Config.Evb.Single(e => e.Port == port);
        var evbInfo = new PortEvbInfo(KebabNames.Of(evb.Hairpin), bridgePort.ReflectiveRelay, control.Associations.Count(vsi => vsi.Port == port));
        return new DemoPortView(port, LinkPrinter.Hairpin(running.Hairpin, evbInfo), running.Vlans.ToString());
    }

    private static DemoTrunkView TrunkEnd(string appliance, string port, MvrpPlane plane, BridgeConfig engine, TimeSpan now)
    {
        MvrpPortInfo info = plane.Show(now).Single(shown => shown.Port == port);
        string registered = Vids(info.Registered) + (info.Dynamic.Count > 0 ? $" (dynamic {Vids(info.Dynamic)})" : "");
        return new DemoTrunkView(appliance, port, Vids(info.Declared), registered, engine.Ports[engine.IndexOf(port)].Vlans.ToString());
    }

    private static string Vids(IReadOnlyList<int> vids) => vids.Count == 0 ? "-" : new VlanSet(vids).ToString();

    private static string State(VsiRecord vsi) => vsi.State switch
    {
        VsiState.Associated => "associated",
        VsiState.PreAssociated => "pre-associated",
        _ => "de-associated",
    };
}
