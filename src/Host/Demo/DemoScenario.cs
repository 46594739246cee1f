// `hairpin demo`: the mission's seed case run through the real engine. Two VMs behind one VEPA
// uplink cannot reach each other until the bridge reflects frames back out the port they came in on
// (802.1Qbg reflective relay, Linux `hairpin on`); a host on another port is unaffected.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Demo;

/// <summary>One step of the story and what became of each of its frames.</summary>
internal sealed record DemoStep(string Title, IReadOnlyList<FrameOutcome> Frames);

/// <summary>A finished run: its steps, and the bridge as it was left (counters, FDB).</summary>
internal sealed record DemoRun(IReadOnlyList<DemoStep> Steps, DemoBridge Bridge, IReadOnlyList<DemoHost> Hosts, IReadOnlyDictionary<string, string> PortRoles);

internal static class DemoScenario
{
    public const string Uplink = "hv1";
    public const string Server = "hv2";

    public static DemoHost VmA { get; } = DemoHost.Create("vm-a", "52:54:00:00:00:0a", "169.254.0.10", Uplink);
    public static DemoHost VmB { get; } = DemoHost.Create("vm-b", "52:54:00:00:00:0b", "169.254.0.11", Uplink);
    public static DemoHost HostC { get; } = DemoHost.Create("host-c", "52:54:00:00:00:0c", "169.254.0.12", Server);

    public static IReadOnlyList<DemoHost> Hosts { get; } = [VmA, VmB, HostC];

    private static readonly Dictionary<string, string> Roles = new(StringComparer.Ordinal)
    {
        [Uplink] = "hypervisor uplink in VEPA mode: VM-to-VM frames go through the bridge",
        [Server] = "server",
    };

    /// <summary>Two ports with the Linux defaults for a new port: VLAN 1 untagged, learning and flooding on, hairpin off.</summary>
    public static BridgeConfig InitialConfig() => new()
    {
        Ports = [new PortConfig { Name = Uplink }, new PortConfig { Name = Server }],
    };

    public static DemoBridge CreateBridge() => new(InitialConfig());

    /// <summary>vm-a ARPs for vm-b, vm-b answers, vm-a sends vm-b a datagram: all through hv1.</summary>
    public static (string Port, byte[] Frame)[] VmToVm() =>
    [
        (Uplink, DemoFrames.ArpRequest(VmA, VmB)),
        (Uplink, DemoFrames.ArpReply(VmB, VmA)),
        (Uplink, DemoFrames.Udp(VmA, VmB)),
    ];

    /// <summary>host-c ARPs for vm-a (so the bridge learns where host-c is), vm-a answers and sends a datagram.</summary>
    public static (string Port, byte[] Frame)[] VmToServer() =>
    [
        (Server, DemoFrames.ArpRequest(HostC, VmA)),
        (Uplink, DemoFrames.ArpReply(VmA, HostC)),
        (Uplink, DemoFrames.Udp(VmA, HostC)),
    ];

    /// <summary>A multicast MAC every IPv4 host listens to (224.0.0.1, all systems).</summary>
    public static MacAddress AllSystemsMulticast { get; } = MacAddress.Parse("01:00:5e:00:00:01");

    /// <summary>A MAC no VM owns, as a VM would forge it.</summary>
    public static MacAddress ForgedMac { get; } = MacAddress.Parse("52:54:00:00:00:66");

    /// <summary>
    /// vm-a tries every way to reach vm-b (ARP, unicast, a broadcast and a multicast frame carrying
    /// vm-b's IP, a forged source MAC) and then talks to host-c.
    /// </summary>
    public static (string Port, byte[] Frame)[] IsolationAttempts() =>
    [
        (Uplink, DemoFrames.ArpRequest(VmA, VmB)),
        (Uplink, DemoFrames.Udp(VmA, VmB)),
        (Uplink, DemoFrames.UdpVia(VmA, MacAddress.Broadcast, VmB)),
        (Uplink, DemoFrames.UdpVia(VmA, AllSystemsMulticast, VmB)),
        (Uplink, DemoFrames.UdpForged(ForgedMac, VmA, VmB)),
        (Uplink, DemoFrames.Udp(VmA, HostC)),
    ];

    /// <summary>The bridge settings of the root demo's last config file: the same policy on both paths.</summary>
    public static BridgeConfig IsolationConfig() =>
        HostConfigLoader.Parse(DemoConfigs.Bridge("/run/hairpin-demo.sock", withPolicy: true), "demo-bridge.yaml").Bridge;

    /// <summary>Runs the story and returns what happened, printing nothing.</summary>
    public static DemoRun Execute()
    {
        DemoBridge bridge = CreateBridge();
        var steps = new List<DemoStep>
        {
            RunStep(bridge, $"step 1: {Uplink} hairpin {HairpinState(bridge)} (the default for a new port)", VmToVm()),
        };

        bridge.SetHairpin(Uplink, on: true);
        steps.Add(RunStep(bridge, $"step 2: bridge link set dev {Uplink} hairpin on   (live: in force from the next batch)", VmToVm()));
        steps.Add(RunStep(bridge, $"step 3: vm-a and host-c, across the bridge ({Uplink} hairpin {HairpinState(bridge)})", VmToServer()));

        bridge.Engine.Publish(IsolationConfig());
        steps.Add(RunStep(bridge, $"step 4: vm-a and vm-b isolated: an ACL bound to each VM denies the other's IP; {Uplink} admits only their MACs", IsolationAttempts()));
        return new DemoRun(steps, bridge, Hosts, Roles);
    }

    /// <summary>Runs the story and prints it to <paramref name="output"/>.</summary>
    public static DemoRun Run(TextWriter output)
    {
        DemoRun run = Execute();
        DemoPrinter.Print(run, output);
        return run;
    }

    private static DemoStep RunStep(DemoBridge bridge, string title, (string Port, byte[] Frame)[] frames)
    {
        var outcomes = new List<FrameOutcome>(frames.Length);
        foreach ((string port, byte[] frame) in frames)
        {
            bridge.Clock.Advance(TimeSpan.FromSeconds(1));
            outcomes.Add(bridge.Send(port, frame));
        }
        return new DemoStep(title, outcomes);
    }

    private static string HairpinState(DemoBridge bridge) =>
        bridge.Engine.Config.Ports[bridge.PortIndex(Uplink)].Hairpin ? "on" : "off";
}
