// hv1's 802.1Qbg control plane as one step of the in-process story left it, read from the two protocol
// machines and the configuration the engine runs: what `vsi show` on either end, and `link show`'s
// HAIRPIN column, would say. The printer formats it; nothing here is what the story expected.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Commands;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;

namespace Hairpin.Host.Demo;

/// <summary>One VSI at both ends of the uplink.</summary>
/// <param name="Asked">The filter the station asked for, e.g. `vm-a@0` (VID 0: the bridge assigns).</param>
/// <param name="Bridge">The bridge's record: its state and filter as settled (`associated vm-a@10`), or `-` when it holds none.</param>
/// <param name="Station">The station's state and the VID it tags the VM's frames with.</param>
/// <param name="Acl">The ACL bound to the VM in the engine's configuration (its type's), or null.</param>
internal sealed record DemoVsiView(string Vm, string VsiId, string Type, string Manager, string Asked, string Bridge, string Station, string? Acl);

/// <param name="Hairpin">hv1's HAIRPIN column of `link show`, e.g. `off (pinned, station asks on)`.</param>
/// <param name="Vlans">hv1's VLANs in the engine (the file's plus the VSIs' VIDs, tagged).</param>
internal sealed record DemoControlView(IReadOnlyList<DemoVsiView> Vsis, string Hairpin, string Vlans)
{
    public static DemoControlView Of(DemoQbg qbg, DemoBridge bridge)
    {
        ArgumentNullException.ThrowIfNull(qbg);
        ArgumentNullException.ThrowIfNull(bridge);
        BridgeConfig engine = bridge.Engine.Config;
        PortConfig uplink = engine.Ports[bridge.PortIndex(qbg.Port)];
        IReadOnlyList<DemoHost> hosts = DemoScenario.Hosts;
        var vsis = new List<DemoVsiView>();
        foreach (StationVsi station in qbg.Station.Vdp.Vsis)
        {
            string vm = FrameDescription.NameOf(station.Spec.Mac, hosts);
            string asked = $"{vm}@{station.Spec.Vid}";
            string held = qbg.Bridge.Vdp.TryGet(station.Spec.Id, out VsiRecord? record)
                ? $"{State(record)} {string.Join(",", record.Filters.Select(filter => $"{(filter.Mac is { } mac ? FrameDescription.NameOf(mac, hosts) : "vid")}@{filter.Vid}"))}"
                : "-";
            string adopted = station.Vid == 0 ? KebabNames.Of(station.State) : $"{KebabNames.Of(station.State)}, tags {station.Vid}";
            string? acl = engine.VmAcls.FirstOrDefault(binding => binding.Port == qbg.Port && binding.Mac == station.Spec.Mac)?.Acl;
            vsis.Add(new DemoVsiView(vm, station.Spec.Id.ToString(), $"{station.Spec.TypeId}/{station.Spec.TypeVersion}", station.Spec.Manager.ToString(),
                asked, held, adopted, acl));
        }
        EvbPortConfig evb = qbg.Config.Evb.Single(port => port.Port == qbg.Port);
        var evbInfo = new PortEvbInfo(KebabNames.Of(evb.Hairpin), qbg.Bridge.ReflectiveRelay, qbg.Associations.Count);
        return new DemoControlView([.. vsis.OrderBy(vsi => vsi.Vm, StringComparer.Ordinal)], LinkPrinter.Hairpin(uplink.Hairpin, evbInfo), uplink.Vlans.ToString());
    }

    private static string State(VsiRecord vsi) => vsi.State switch
    {
        VsiState.Associated => "associated",
        VsiState.PreAssociated => "pre-associated",
        _ => "de-associated",
    };
}
