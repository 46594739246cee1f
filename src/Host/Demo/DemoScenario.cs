// `hairpin demo --in-process`: the root demo's story with the real pure pieces and no interfaces. The
// dumb vswitch's 802.1Qbg station announces two VMs to hv1's bridge port (VDP, back to back on a manual
// clock), whose VSI types give them VLAN 10, which the bridge then declares up its MVRP trunk to the
// aggregation appliance; the engine forwards frames under what that decided: hairpin pinned off, hairpin
// auto (on, as negotiated), each type's policy loaded by a reload; then vm-a moves to a second dumb
// vswitch behind hv3 (the same VSI associated there), and at last both VMs leave and VLAN 10 with them.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Commands;
using Hairpin.Host.Configuration;
using Hairpin.Host.Qbg;

namespace Hairpin.Host.Demo;

/// <summary>A command's output shown at the end of a step, as a user would type it against the bridge.</summary>
internal sealed record DemoShow(string Command, IReadOnlyList<string> Lines);

/// <summary>
/// One step of the story: the control frames exchanged during it (802.1Qbg on hv1 and hv3, MVRP on agg),
/// what both appliances logged, the control planes as it left them, what became of each data frame, and
/// the commands shown after them.
/// </summary>
internal sealed record DemoStep(string Title, IReadOnlyList<WireFrame> Exchange, IReadOnlyList<DemoLogLine> Log, DemoControlView Control,
    IReadOnlyList<FrameOutcome> Frames, IReadOnlyList<DemoShow> Shows);

/// <summary>A finished run: the config file it started from, its steps, and the bridge and its control plane as they were left.</summary>
internal sealed record DemoRun(HostConfig File, IReadOnlyList<DemoStep> Steps, DemoBridge Bridge, DemoControlPlane Control, IReadOnlyList<DemoHost> Hosts,
    IReadOnlyDictionary<string, string> PortRoles);

internal static class DemoScenario
{
    public const string Uplink = "hv1";
    public const string Server = "hv2";
    public const string DestinationUplink = DemoConfigs.DestinationUplink;
    public const string Trunk = DemoConfigs.AggregationUplink;
    public const string Manager = "demo";

    /// <summary>How long the story waits (protocol time) for the stations to hear the bridge and the VSIs to be answered.</summary>
    public static readonly TimeSpan AssociationLimit = TimeSpan.FromSeconds(30);

    /// <summary>How long the last step lets MVRP run after the VMs left: a leave time (1 s) and a transmit opportunity, with room.</summary>
    public static readonly TimeSpan WithdrawalTime = TimeSpan.FromSeconds(3);

    public static DemoHost VmA { get; } = DemoHost.Create("vm-a", "52:54:00:00:00:0a", "169.254.0.10", Uplink);
    public static DemoHost VmB { get; } = DemoHost.Create("vm-b", "52:54:00:00:00:0b", "169.254.0.11", Uplink);
    public static DemoHost HostC { get; } = DemoHost.Create("host-c", "52:54:00:00:00:0c", "169.254.0.12", Server);

    public static IReadOnlyList<DemoHost> Hosts { get; } = [VmA, VmB, HostC];

    /// <summary>vm-a's VSI: type 42 (the bridge's `vsi_types:` decide what that means).</summary>
    public static DemoVsi VsiA { get; } = new(VmA, 42, 1, "5c3e8f0a-7d2b-4e61-9a14-00000000000a", Manager);

    /// <summary>vm-b's VSI: type 43.</summary>
    public static DemoVsi VsiB { get; } = new(VmB, 43, 1, "5c3e8f0a-7d2b-4e61-9a14-00000000000b", Manager);

    public static IReadOnlyList<DemoVsi> Vsis { get; } = [VsiA, VsiB];

    private static readonly Dictionary<string, string> Roles = new(StringComparer.Ordinal)
    {
        [Uplink] = "the hypervisor's VEPA uplink (802.1Qbg bridge port): VM-to-VM frames go through the bridge",
        [Server] = "server",
        [DestinationUplink] = "a second hypervisor's VEPA uplink (802.1Qbg bridge port): where vm-a moves to",
        [Trunk] = "MVRP trunk up to the aggregation appliance (its acc)",
    };

    /// <summary>The bridge's config file as the root demo starts it: parsed, not built by hand.</summary>
    public static HostConfig InitialConfig() => Parse(withPolicy: false);

    /// <summary>The bridge's config file of the policy step (each VSI type's ACL; hv1's hairpin auto).</summary>
    public static HostConfig PolicyConfig() => Parse(withPolicy: true);

    private static HostConfig Parse(bool withPolicy) =>
        HostConfigLoader.Parse(DemoConfigs.Bridge("/run/hairpin-demo.sock", withPolicy, withDestination: true, withAggregation: true), "demo-bridge.yaml");

    /// <summary>The engine under the file's settings, its control plane publishing into it on the same clock, and MVRP started on the trunk.</summary>
    public static (DemoBridge Bridge, DemoControlPlane Control) Create()
    {
        HostConfig config = InitialConfig();
        var bridge = new DemoBridge(config.Bridge);
        var control = new DemoControlPlane(config, Uplink, bridge);
        control.Start();
        return (bridge, control);
    }

    /// <summary>The station announces both VMs; runs until both are answered and the station has heard the bridge grant reflective relay.</summary>
    public static (DemoBridge Bridge, DemoControlPlane Control) CreateAssociated()
    {
        (DemoBridge bridge, DemoControlPlane control) = Create();
        Associate(control);
        return (bridge, control);
    }

    /// <summary>Both VMs associated on hv1, then vm-a moved to hv3 (its source's station let its copy go).</summary>
    public static (DemoBridge Bridge, DemoControlPlane Control) CreateMoved()
    {
        (DemoBridge bridge, DemoControlPlane control) = CreateAssociated();
        Move(control);
        return (bridge, control);
    }

    private static void Associate(DemoControlPlane control)
    {
        foreach (DemoVsi vsi in Vsis)
        {
            control.Announce(vsi);
        }
        if (!control.RunUntil(Answered, AssociationLimit))
        {
            throw new InvalidOperationException($"the VSIs were not answered within {AssociationLimit.TotalSeconds:0} s of protocol time");
        }
    }

    private static bool Answered(DemoControlPlane control) =>
        control.Station.ReflectiveRelay && control.Station.Vdp.Vsis.Count == Vsis.Count
        && control.Station.Vdp.Vsis.All(vsi => vsi.State is StationVsiState.Associated or StationVsiState.Refused);

    /// <summary>
    /// vm-a's live migration, in a migration's order (libvirt with lldpad): the destination hypervisor is
    /// cabled to hv3 and its station associates vm-a's VSI there; once it is answered (and the bridge's
    /// move told the source's station), the source lets its copy go.
    /// </summary>
    public static void Move(DemoControlPlane control)
    {
        ArgumentNullException.ThrowIfNull(control);
        EvbStationPort destination = control.ConnectDestination(DestinationUplink);
        control.Announce(VsiA, DestinationUplink);
        bool AnsweredThere(DemoControlPlane _) =>
            destination.Vdp.TryGet(VsiA.Id, out StationVsi? vsi) && vsi.State is StationVsiState.Associated or StationVsiState.Refused;
        if (!control.RunUntil(AnsweredThere, AssociationLimit))
        {
            throw new InvalidOperationException($"vm-a's VSI was not answered on {DestinationUplink} within {AssociationLimit.TotalSeconds:0} s of protocol time");
        }
        control.Withdraw(VsiA, Uplink);
    }

    /// <summary>Both VMs shut down: each station withdraws its VSI (De-Associate), and MVRP runs on for <see cref="WithdrawalTime"/>.</summary>
    public static void Leave(DemoControlPlane control)
    {
        ArgumentNullException.ThrowIfNull(control);
        foreach (EvbStationPort station in control.Stations.Values)
        {
            foreach (StationVsi vsi in station.Vdp.Vsis.ToList())
            {
                station.Vdp.Deassociate(vsi.Spec.Id);
            }
        }
        control.RunFor(WithdrawalTime);
    }

    /// <summary>vm-a ARPs for vm-b, vm-b answers, vm-a sends vm-b a datagram: all up hv1, tagged as the station tags them.</summary>
    public static (string Port, byte[] Frame)[] VmToVm(DemoControlPlane control) =>
    [
        FromVm(control, VmA, DemoFrames.ArpRequest(VmA, VmB)),
        FromVm(control, VmB, DemoFrames.ArpReply(VmB, VmA)),
        FromVm(control, VmA, DemoFrames.Udp(VmA, VmB)),
    ];

    /// <summary>host-c ARPs for vm-a (so the bridge learns where host-c is), vm-a answers and sends a datagram.</summary>
    public static (string Port, byte[] Frame)[] VmToServer(DemoControlPlane control) =>
    [
        (Server, DemoFrames.ArpRequest(HostC, VmA)),
        FromVm(control, VmA, DemoFrames.ArpReply(VmA, HostC)),
        FromVm(control, VmA, DemoFrames.Udp(VmA, HostC)),
    ];

    /// <summary>
    /// host-d, behind the aggregation, sends vm-a a datagram and vm-a answers: VLAN 10 crosses the trunk
    /// both ways, which the aggregation's acc carries only while MVRP registers it there.
    /// </summary>
    public static (string Port, byte[] Frame)[] AcrossTheTrunk(DemoControlPlane control) =>
    [
        (DemoConfigs.HostDPort, DemoFrames.Udp(DemoConfigs.HostD, VmA)),
        FromVm(control, VmA, DemoFrames.Udp(VmA, DemoConfigs.HostD)),
    ];

    /// <summary>A multicast MAC every IPv4 host listens to (224.0.0.1, all systems).</summary>
    public static MacAddress AllSystemsMulticast { get; } = MacAddress.Parse("01:00:5e:00:00:01");

    /// <summary>A MAC no VM owns, as a VM would forge it.</summary>
    public static MacAddress ForgedMac { get; } = MacAddress.Parse("52:54:00:00:00:66");

    /// <summary>
    /// vm-a tries every way to reach vm-b (ARP, unicast, a broadcast and a multicast frame carrying
    /// vm-b's IP, a forged source MAC), vm-b tries vm-a, and then vm-a talks to host-c.
    /// </summary>
    public static (string Port, byte[] Frame)[] IsolationAttempts(DemoControlPlane control) =>
    [
        FromVm(control, VmA, DemoFrames.ArpRequest(VmA, VmB)),
        FromVm(control, VmA, DemoFrames.Udp(VmA, VmB)),
        FromVm(control, VmA, DemoFrames.UdpVia(VmA, MacAddress.Broadcast, VmB)),
        FromVm(control, VmA, DemoFrames.UdpVia(VmA, AllSystemsMulticast, VmB)),
        FromVm(control, VmA, DemoFrames.UdpForged(ForgedMac, VmA, VmB)),
        FromVm(control, VmB, DemoFrames.Udp(VmB, VmA)),
        FromVm(control, VmA, DemoFrames.Udp(VmA, HostC)),
    ];

    /// <summary>
    /// After the move: vm-a (now behind hv3) talks to host-c and host-c answers, vm-a tries vm-b, talks to host-d, and a
    /// frame vm-a's source copy sent up hv1 just before it stopped (tagged as that station tagged it) arrives late.
    /// </summary>
    public static (string Port, byte[] Frame)[] AfterTheMove(DemoControlPlane control) =>
    [
        FromVm(control, VmA, DemoFrames.Udp(VmA, HostC)),
        (Server, DemoFrames.Udp(HostC, VmA)),
        FromVm(control, VmA, DemoFrames.Udp(VmA, VmB)),
        FromVm(control, VmA, DemoFrames.Udp(VmA, DemoConfigs.HostD)),
        (Uplink, DemoFrames.Tagged(DemoFrames.Udp(VmA, HostC), DemoConfigs.Vlan)),
    ];

    /// <summary>host-c sends vm-a a datagram once no VM is associated any more.</summary>
    public static (string Port, byte[] Frame)[] AfterTheVmsLeft() => [(Server, DemoFrames.Udp(HostC, VmA))];

    /// <summary>
    /// A VM's frame as it comes up the uplink of the station that holds its VSI associated, tagged with
    /// the VID the bridge gave it; untagged up its first uplink when no station holds it.
    /// </summary>
    public static (string Port, byte[] Frame) FromVm(DemoControlPlane control, DemoHost vm, byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(vm);
        foreach ((string port, EvbStationPort station) in control.Stations)
        {
            if (station.Vdp.Vsis.FirstOrDefault(vsi => vsi.Spec.Mac == vm.Mac && vsi.State == StationVsiState.Associated) is { Vid: > 0 } held)
            {
                return (port, DemoFrames.Tagged(frame, held.Vid));
            }
        }
        return (vm.Port, frame);
    }

    /// <summary>
    /// Sends a frame in by <paramref name="port"/> of whichever appliance has it; a copy that leaves by
    /// the trunk goes on into the other appliance's end of it, as the cable between agg and acc carries it.
    /// </summary>
    public static FrameOutcome Send(DemoBridge bridge, DemoControlPlane control, string port, byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(bridge);
        ArgumentNullException.ThrowIfNull(control);
        DemoBridge aggregation = control.Mvrp.AggregationEngine;
        bool atBridge = bridge.HasPort(port);
        (DemoBridge first, string exit, DemoBridge next, string entry, string nextName) = atBridge
            ? (bridge, Trunk, aggregation, DemoConfigs.AggregationDownlink, DemoMvrp.AggregationEnd)
            : (aggregation, DemoConfigs.AggregationDownlink, bridge, Trunk, DemoMvrp.BridgeEnd);
        FrameOutcome outcome = first.Send(port, frame);
        foreach ((string copyPort, byte[] copy) in outcome.Copies)
        {
            if (copyPort == exit)
            {
                return outcome with { Beyond = next.Send(entry, copy), BeyondAppliance = nextName };
            }
        }
        return outcome;
    }

    /// <summary>`hairpin vsi show` as the bridge would answer it now: every VSI on every port, with its counters by VSIID.</summary>
    public static DemoShow VsiShow(DemoControlPlane control, DemoBridge bridge)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(bridge);
        IReadOnlyList<Management.VsiInfo> vsis = control.Plane.Vsis(control.Now,
            vsi => VsiTraffic.Of(bridge.Engine.VsiCounters(vsi)?.Snapshot() ?? VsiCountersSnapshot.Empty));
        return new DemoShow("hairpin vsi show", VsiCommand.Table(vsis));
    }

    /// <summary>Runs the story and returns what happened, printing nothing.</summary>
    public static DemoRun Execute()
    {
        (DemoBridge bridge, DemoControlPlane control) = Create();
        HostConfig file = control.Config;
        var steps = new List<DemoStep>();
        int sent = 0;
        int logged = 0;
        DemoStep Step(string title, (string Port, byte[] Frame)[] frames, bool vsiShow = false)
        {
            List<FrameOutcome> outcomes = RunFrames(bridge, control, frames);
            DemoStep step = new(title, control.Wire.Log[sent..], control.Log.Lines[logged..], DemoControlView.Of(control, bridge), outcomes,
                vsiShow ? [VsiShow(control, bridge)] : []);
            sent = control.Wire.Log.Count;
            logged = control.Log.Lines.Count;
            return step;
        }

        Associate(control);
        steps.Add(Step($"step 1: the dumb vswitch announces vm-a and vm-b (802.1Qbg VDP), the bridge declares their VLAN {DemoConfigs.Vlan} up {Trunk} (MVRP); "
            + $"{Uplink} hairpin pinned off (hairpin: false)", VmToVm(control)));

        control.SetHairpin(HairpinMode.Auto);
        steps.Add(Step($"step 2: hairpin link set dev {Uplink} hairpin auto   (live: {Uplink} follows the negotiation from the next batch)", VmToVm(control)));
        steps.Add(Step($"step 3: vm-a and host-c, across the bridge (VLAN {DemoConfigs.Vlan}: tagged on {Uplink}, untagged on {Server}); "
            + $"vm-a and host-d, across both appliances (tagged on the {Trunk} trunk)", [.. VmToServer(control), .. AcrossTheTrunk(control)]));

        control.Reload(PolicyConfig());
        steps.Add(Step($"step 4: hairpin config reload: each VSI type's ACL denies the other VM's IP; {Uplink} admits only the associated (MAC, VID)",
            IsolationAttempts(control), vsiShow: true));

        Move(control);
        steps.Add(Step($"step 5: vm-a moves: a second dumb vswitch, cabled to {DestinationUplink}, associates vm-a's VSI there (live migration); "
            + "then the source lets its copy go", AfterTheMove(control), vsiShow: true));

        Leave(control);
        steps.Add(Step($"step 6: both VMs shut down: their stations de-associate their VSIs; the bridge no longer needs VLAN {DemoConfigs.Vlan} (MVRP)",
            AfterTheVmsLeft()));
        return new DemoRun(file, steps, bridge, control, [.. Hosts, DemoConfigs.HostD], Roles);
    }

    /// <summary>Runs the story and prints it to <paramref name="output"/>.</summary>
    public static DemoRun Run(TextWriter output)
    {
        DemoRun run = Execute();
        DemoPrinter.Print(run, output);
        return run;
    }

    /// <summary>One frame a second; the control planes run their timers in between, as the appliance does between batches.</summary>
    private static List<FrameOutcome> RunFrames(DemoBridge bridge, DemoControlPlane control, (string Port, byte[] Frame)[] frames)
    {
        var outcomes = new List<FrameOutcome>(frames.Length);
        foreach ((string port, byte[] frame) in frames)
        {
            control.RunFor(TimeSpan.FromSeconds(1));
            outcomes.Add(Send(bridge, control, port, frame));
        }
        return outcomes;
    }
}
