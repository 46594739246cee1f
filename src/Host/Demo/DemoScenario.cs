// `hairpin demo --in-process`: the root demo's story with the real pure pieces and no interfaces. The
// dumb vswitch's 802.1Qbg station announces two VMs to hv1's bridge port (VDP, back to back on a manual
// clock), whose VSI types give them VLAN 10; the engine then forwards frames under what that decided:
// hairpin pinned off, hairpin auto (on, as negotiated), and each type's policy loaded by a reload.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Qbg;

namespace Hairpin.Host.Demo;

/// <summary>One step of the story: the 802.1Qbg frames exchanged during it, hv1's control plane as it left it, and what became of each data frame.</summary>
internal sealed record DemoStep(string Title, IReadOnlyList<QbgFrame> Exchange, DemoControlView Control, IReadOnlyList<FrameOutcome> Frames);

/// <summary>A finished run: the config file it started from, its steps, and the bridge and its control plane as they were left.</summary>
internal sealed record DemoRun(HostConfig File, IReadOnlyList<DemoStep> Steps, DemoBridge Bridge, DemoQbg Qbg, IReadOnlyList<DemoHost> Hosts, IReadOnlyDictionary<string, string> PortRoles);

internal static class DemoScenario
{
    public const string Uplink = "hv1";
    public const string Server = "hv2";
    public const string Manager = "demo";

    /// <summary>How long the story waits (protocol time) for the station to hear the bridge and both VSIs to be answered.</summary>
    public static readonly TimeSpan AssociationLimit = TimeSpan.FromSeconds(30);

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
    };

    /// <summary>The bridge's config file as the root demo starts it: parsed, not built by hand.</summary>
    public static HostConfig InitialConfig() => Parse(withPolicy: false);

    /// <summary>The bridge's config file of the last step (each VSI type's ACL; hv1's hairpin auto).</summary>
    public static HostConfig PolicyConfig() => Parse(withPolicy: true);

    private static HostConfig Parse(bool withPolicy) =>
        HostConfigLoader.Parse(DemoConfigs.Bridge("/run/hairpin-demo.sock", withPolicy), "demo-bridge.yaml");

    /// <summary>The engine under the file's settings, and hv1's control plane publishing into it on the same clock.</summary>
    public static (DemoBridge Bridge, DemoQbg Qbg) Create()
    {
        HostConfig config = InitialConfig();
        var bridge = new DemoBridge(config.Bridge);
        var qbg = new DemoQbg(config, Uplink, bridge.Clock, bridge.Engine.Publish);
        bridge.Engine.Publish(qbg.EngineConfig());
        return (bridge, qbg);
    }

    /// <summary>The station announces both VMs; runs until both are answered and the station has heard the bridge grant reflective relay.</summary>
    public static (DemoBridge Bridge, DemoQbg Qbg) CreateAssociated()
    {
        (DemoBridge bridge, DemoQbg qbg) = Create();
        Associate(qbg);
        return (bridge, qbg);
    }

    private static void Associate(DemoQbg qbg)
    {
        foreach (DemoVsi vsi in Vsis)
        {
            qbg.Announce(vsi);
        }
        if (!qbg.RunUntil(Answered, AssociationLimit))
        {
            throw new InvalidOperationException($"the VSIs were not answered within {AssociationLimit.TotalSeconds:0} s of protocol time");
        }
    }

    private static bool Answered(DemoQbg qbg) =>
        qbg.Station.ReflectiveRelay && qbg.Station.Vdp.Vsis.Count == Vsis.Count
        && qbg.Station.Vdp.Vsis.All(vsi => vsi.State is StationVsiState.Associated or StationVsiState.Refused);

    /// <summary>vm-a ARPs for vm-b, vm-b answers, vm-a sends vm-b a datagram: all up hv1, tagged as the station tags them.</summary>
    public static (string Port, byte[] Frame)[] VmToVm(DemoQbg qbg) =>
    [
        FromVm(qbg, VmA, DemoFrames.ArpRequest(VmA, VmB)),
        FromVm(qbg, VmB, DemoFrames.ArpReply(VmB, VmA)),
        FromVm(qbg, VmA, DemoFrames.Udp(VmA, VmB)),
    ];

    /// <summary>host-c ARPs for vm-a (so the bridge learns where host-c is), vm-a answers and sends a datagram.</summary>
    public static (string Port, byte[] Frame)[] VmToServer(DemoQbg qbg) =>
    [
        (Server, DemoFrames.ArpRequest(HostC, VmA)),
        FromVm(qbg, VmA, DemoFrames.ArpReply(VmA, HostC)),
        FromVm(qbg, VmA, DemoFrames.Udp(VmA, HostC)),
    ];

    /// <summary>A multicast MAC every IPv4 host listens to (224.0.0.1, all systems).</summary>
    public static MacAddress AllSystemsMulticast { get; } = MacAddress.Parse("01:00:5e:00:00:01");

    /// <summary>A MAC no VM owns, as a VM would forge it.</summary>
    public static MacAddress ForgedMac { get; } = MacAddress.Parse("52:54:00:00:00:66");

    /// <summary>
    /// vm-a tries every way to reach vm-b (ARP, unicast, a broadcast and a multicast frame carrying
    /// vm-b's IP, a forged source MAC), vm-b tries vm-a, and then vm-a talks to host-c.
    /// </summary>
    public static (string Port, byte[] Frame)[] IsolationAttempts(DemoQbg qbg) =>
    [
        FromVm(qbg, VmA, DemoFrames.ArpRequest(VmA, VmB)),
        FromVm(qbg, VmA, DemoFrames.Udp(VmA, VmB)),
        FromVm(qbg, VmA, DemoFrames.UdpVia(VmA, MacAddress.Broadcast, VmB)),
        FromVm(qbg, VmA, DemoFrames.UdpVia(VmA, AllSystemsMulticast, VmB)),
        FromVm(qbg, VmA, DemoFrames.UdpForged(ForgedMac, VmA, VmB)),
        FromVm(qbg, VmB, DemoFrames.Udp(VmB, VmA)),
        FromVm(qbg, VmA, DemoFrames.Udp(VmA, HostC)),
    ];

    /// <summary>A VM's frame as it comes up the uplink: tagged with the VID the bridge gave its VSI (untagged before any).</summary>
    public static (string Port, byte[] Frame) FromVm(DemoQbg qbg, DemoHost vm, byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(qbg);
        ArgumentNullException.ThrowIfNull(vm);
        int vid = qbg.Station.Vdp.Vsis.FirstOrDefault(vsi => vsi.Spec.Mac == vm.Mac && vsi.State == StationVsiState.Associated)?.Vid ?? 0;
        return (Uplink, vid == 0 ? frame : DemoFrames.Tagged(frame, vid));
    }

    /// <summary>Runs the story and returns what happened, printing nothing.</summary>
    public static DemoRun Execute()
    {
        (DemoBridge bridge, DemoQbg qbg) = Create();
        HostConfig file = qbg.Config;
        var steps = new List<DemoStep>();
        int logged = 0;
        DemoStep Step(string title, (string Port, byte[] Frame)[] frames)
        {
            List<FrameOutcome> outcomes = RunFrames(bridge, qbg, frames);
            DemoStep step = new(title, qbg.Log[logged..], DemoControlView.Of(qbg, bridge), outcomes);
            logged = qbg.Log.Count;
            return step;
        }

        Associate(qbg);
        steps.Add(Step($"step 1: the dumb vswitch announces vm-a and vm-b (802.1Qbg VDP); {Uplink} hairpin pinned off (hairpin: false)", VmToVm(qbg)));

        qbg.SetHairpin(HairpinMode.Auto);
        steps.Add(Step($"step 2: hairpin link set dev {Uplink} hairpin auto   (live: {Uplink} follows the negotiation from the next batch)", VmToVm(qbg)));
        steps.Add(Step($"step 3: vm-a and host-c, across the bridge (VLAN {DemoConfigs.Vlan}: tagged on {Uplink}, untagged on {Server})", VmToServer(qbg)));

        qbg.Reload(PolicyConfig());
        steps.Add(Step($"step 4: hairpin config reload: each VSI type's ACL denies the other VM's IP; {Uplink} admits only the associated (MAC, VID)", IsolationAttempts(qbg)));
        return new DemoRun(file, steps, bridge, qbg, Hosts, Roles);
    }

    /// <summary>Runs the story and prints it to <paramref name="output"/>.</summary>
    public static DemoRun Run(TextWriter output)
    {
        DemoRun run = Execute();
        DemoPrinter.Print(run, output);
        return run;
    }

    /// <summary>One frame a second; the control plane runs its timers in between, as the appliance does between batches.</summary>
    private static List<FrameOutcome> RunFrames(DemoBridge bridge, DemoQbg qbg, (string Port, byte[] Frame)[] frames)
    {
        var outcomes = new List<FrameOutcome>(frames.Length);
        foreach ((string port, byte[] frame) in frames)
        {
            qbg.RunFor(TimeSpan.FromSeconds(1));
            outcomes.Add(bridge.Send(port, frame));
        }
        return outcomes;
    }
}
