// The management socket's view of the dumb vswitch: `link show` (uplink and VMs with link state and
// counters), `stats`, and the uplink's EVB station (`lldp neighbors`, `vsi show`). It has no FDB, ACLs,
// port flags, trace or VSI history, and reads its configuration at start only: it offers none of
// those capabilities, and the server answers their commands "not supported by this server".
using Hairpin.DumbVswitch.Runtime;
using Hairpin.DumbVswitch.Station;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Management;
using Hairpin.Host.Qbg;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Management;

/// <summary>
/// Reads counters the forwarding thread writes (whole 64-bit values, at most a batch behind) and the
/// station's published snapshot; never touches the data path or the station itself.
/// </summary>
public sealed class VswitchControl(DumbVswitchRuntime runtime) : IBridgeControl, IQbgControl
{
    // VEPA never reflects and never learns; group frames are copied to the VLAN's VMs, unknown unicast is not.
    private static readonly PortFlags VepaFlags = new(Hairpin: false, Isolated: false, Learning: false, Flood: false,
        McastFlood: true, BcastFlood: true, BpduGuard: false);

    public Task<IReadOnlyList<PortInfo>> ListPortsAsync(CancellationToken cancellationToken)
    {
        StationSnapshot? station = runtime.Station?.Snapshot;
        return Task.FromResult<IReadOnlyList<PortInfo>>([.. Enumerable.Range(-1, runtime.Vms.Count + 1).Select(index => PortAt(index, station))]);
    }

    /// <summary>The bridge heard on the uplink, if the uplink is an EVB station and has heard one.</summary>
    public Task<IReadOnlyList<LldpNeighborInfo>> LldpNeighborsAsync(CancellationToken cancellationToken)
    {
        if (runtime.Station is not UplinkStation station || station.Snapshot.Neighbor is not { } neighbor)
        {
            return Task.FromResult<IReadOnlyList<LldpNeighborInfo>>([]);
        }
        return Task.FromResult<IReadOnlyList<LldpNeighborInfo>>([EvbDescriptions.Neighbor(runtime.Uplink.PortName, neighbor, station.Now)]);
    }

    /// <summary>Each VM's VSI, on the VM's port name, in configuration order; none without a station.</summary>
    public Task<IReadOnlyList<VsiInfo>> ShowVsisAsync(CancellationToken cancellationToken)
    {
        if (runtime.Station is not UplinkStation station)
        {
            return Task.FromResult<IReadOnlyList<VsiInfo>>([]);
        }
        TimeSpan now = station.Now;
        return Task.FromResult<IReadOnlyList<VsiInfo>>(
            [.. station.Snapshot.Vsis.Select(vsi => StationViews.Vsi(vsi, runtime.Switch.Vms[vsi.Vm], runtime.Vms[vsi.Vm], now))]);
    }

    public Task<BridgeStats> StatsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new BridgeStats([Stats(runtime.Switch.Uplink, runtime.Uplink), .. runtime.Switch.Vms.Select((vm, i) => Stats(vm, runtime.Vms[i]))], []));

    /// <summary>-1 for the uplink, else the VM's index.</summary>
    private int IndexOf(string port)
    {
        if (port == runtime.Uplink.PortName)
        {
            return -1;
        }
        for (int vm = 0; vm < runtime.Vms.Count; vm++)
        {
            if (runtime.Vms[vm].PortName == port)
            {
                return vm;
            }
        }
        throw ManagementException.UnknownPort(port);
    }

    /// <summary>
    /// A VM with a VSI that is not associated is Blocking, its cause "vsi-STATE" (vsi-pending,
    /// vsi-refused, ...): it passes nothing. Associated, its VLAN is the VID the bridge gave it.
    /// </summary>
    private PortInfo PortAt(int index, StationSnapshot? station)
    {
        bool uplink = index < 0;
        PortQueues queues = uplink ? runtime.Uplink : runtime.Vms[index];
        string attach = (uplink ? runtime.Config.Uplink : runtime.Config.Vms[index].Attach).Describe();
        int? vlan = uplink ? null : runtime.Config.Vms[index].Vlan;
        VmVsiStatus? vsi = uplink ? null : station?.ForVm(index);
        if (vsi is not null)
        {
            vlan = vsi.Associated && vsi.Vid != 0 ? vsi.Vid : null;
        }
        string vlans = uplink ? UplinkVlans(station) : StationViews.Vid(vlan ?? 0);
        return new PortInfo(
            queues.PortName,
            vsi is { Associated: false } ? PortOperState.Blocking : PortOperState.Forwarding,
            ErrorDisableCause: vsi is { Associated: false } ? StationViews.BlockingCause(vsi.State) : null,
            queues.IsUp ? LinkState.Up : LinkState.Down,
            VepaFlags,
            Pvid: vlan ?? 0,
            Vlans: vlans,
            Untagged: uplink ? "" : vlans,
            attach,
            new TrafficCounters(queues.Counters.RxFrames, queues.Counters.RxBytes),
            new TrafficCounters(queues.Counters.TxFrames, queues.Counters.TxBytes),
            LinkDownReason: queues.IsUp ? null : queues.DownReason);
    }

    /// <summary>The VLANs the uplink carries tagged, as ranges ("10,20-22"): access VLANs, and VIDs associated VSIs were given.</summary>
    private string UplinkVlans(StationSnapshot? station)
    {
        IEnumerable<int> access = runtime.Config.Vms.Where(vm => vm.Vlan is not null && vm.Vsi is null).Select(vm => vm.Vlan!.Value);
        IEnumerable<int> vsis = station?.Vsis.Where(vsi => vsi.Associated && vsi.Vid != 0).Select(vsi => vsi.Vid) ?? [];
        int[] vids = [.. access.Concat(vsis).Distinct().Order()];
        var ranges = new List<string>();
        for (int start = 0; start < vids.Length;)
        {
            int end = start;
            while (end + 1 < vids.Length && vids[end + 1] == vids[end] + 1)
            {
                end++;
            }
            ranges.Add(start == end ? $"{vids[start]}" : $"{vids[start]}-{vids[end]}");
            start = end + 1;
        }
        return string.Join(',', ranges);
    }

    /// <summary>The bridge's accounting (specs/transports.md): traffic as it crossed the wire, the switch's decisions, both kinds of drops.</summary>
    private static PortStats Stats(VepaPortCounters counters, PortQueues queues)
    {
        LinkCounters link = queues.Counters;
        List<DropCount> ingress = Drops(counters.Dropped);
        List<DropCount> egress = Drops(counters.EgressDropped);
        for (int reason = 0; reason < LinkDropReasons.Count; reason++)
        {
            var drop = (LinkDropReason)reason;
            if (link.Dropped(drop) != 0)
            {
                (LinkDropReasons.IsReceive(drop) ? ingress : egress).Add(new DropCount(LinkDropReasons.Name(drop), link.Dropped(drop)));
            }
        }
        return new PortStats(
            counters.Name,
            new TrafficCounters(link.RxFrames, link.RxBytes),
            new TrafficCounters(link.TxFrames, link.TxBytes),
            counters.Forwarded,
            counters.Flooded,
            counters.Trapped,
            ingress,
            egress,
            Queues: [],
            new TrafficCounters(counters.TxFrames, counters.TxBytes),
            new LinkEvents(link.LinkUps, link.LinkDowns),
            Protection: []);
    }

    private static List<DropCount> Drops(ReadOnlySpan<long> byReason)
    {
        var drops = new List<DropCount>();
        for (int reason = 0; reason < byReason.Length; reason++)
        {
            if (byReason[reason] != 0)
            {
                drops.Add(new DropCount(VepaDropReasons.Name((VepaDropReason)reason), byReason[reason]));
            }
        }
        return drops;
    }
}
