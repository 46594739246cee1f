// Hairpin's two halves together, as in production: VMs behind the dumb vswitch (VEPA: every VM frame
// goes up the uplink) and the appliance deciding, at its port hv1, whether to reflect it back down.
// Both run as child processes in their own namespaces, driven and read through the real CLI. Pings
// between VMs work only once hairpin is turned on (toggled live), each VM hears the other's
// broadcasts exactly once (and never its own), and VLANs set on the vswitch are kept apart by the
// appliance's trunk. Root only (CI runs as root); link-local addresses; all removed even on failure.
using System.Globalization;
using Hairpin.Host.Tests.Infrastructure;
using PacketCapture = Hairpin.DumbVswitch.Tests.Infrastructure.PacketCapture;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class VswitchWithApplianceTests
{
    private static readonly LabVm A = new("vm-a", "02:93:00:00:00:0a", "169.254.93.1");
    private static readonly LabVm B = new("vm-b", "02:93:00:00:00:0b", "169.254.93.2");
    private const string Nobody = "169.254.93.99";
    private const int BroadcastsEach = 5;

    [Fact(Timeout = 120_000)]
    public async Task VmsReachEachOtherOnlyOnceHairpinIsTurnedOnByTheCliWhileAPingRuns()
    {
        await using VswitchApplianceLab lab = await VswitchApplianceLab.StartAsync([A, B]);
        NetNamespace vmA = lab.Vm(A.Name);
        NetNamespace vmB = lab.Vm(B.Name);
        // Static neighbours: with ARP unresolved the kernel would hold early pings and send them once it
        // resolves, so they would be answered late instead of lost; this way each ping stands alone.
        await VswitchApplianceLab.StaticNeighbourAsync(vmA, B.Address, B.Mac);
        await VswitchApplianceLab.StaticNeighbourAsync(vmB, A.Address, A.Mac);
        Assert.True(await NetLab.PingAsync(vmA.Name, VswitchApplianceLab.AddressC) > 0, $"A reaches host C through the uplink with hairpin off{lab.Diagnostics()}");
        Assert.Equal(0, await NetLab.PingAsync(vmA.Name, B.Address));

        Task<ProcessRunner.Result> ping = vmA.ExecAsync(["ping", "-n", "-c", "25", "-i", "0.2", "-W", "1", B.Address], check: false, timeout: TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (exit, _, error) = lab.Appliance.Cli("link", "set", "dev", "hv1", "hairpin", "on");
        Assert.True(exit == 0, error);
        string output = (await ping).Output;
        int[] answered = [.. output.Split('\n').Where(line => line.Contains("bytes from", StringComparison.Ordinal))
            .Select(line => int.Parse(line.Split("icmp_seq=")[1].Split(' ')[0], CultureInfo.InvariantCulture))];
        Assert.True(answered.Length > 0, $"no replies after the toggle: {output}{lab.Diagnostics()}");
        Assert.True(answered.Min() > 3, $"replies before the toggle: {output}");   // the first ~10 went unanswered
        Assert.Contains(25, answered);                                             // and from the toggle on they flow
        Assert.True(await NetLab.PingAsync(vmB.Name, A.Address) > 0, "and B reaches A");
    }

    [Fact(Timeout = 120_000)]
    public async Task EachVmHearsTheOthersBroadcastsExactlyOnceWithHairpinAndNeverItsOwn()
    {
        await using VswitchApplianceLab lab = await VswitchApplianceLab.StartAsync([A, B]);
        NetNamespace vmA = lab.Vm(A.Name);
        NetNamespace vmB = lab.Vm(B.Name);

        // Hairpin off: the appliance floods A's broadcast everywhere but back, so B never hears it.
        var (heardByA, heardByB) = await BroadcastBothWaysAsync(vmA, vmB);
        Assert.True(From(heardByB, A.Mac) == 0 && From(heardByA, B.Mac) == 0,
            $"broadcasts crossed without hairpin: A heard {string.Join('\n', heardByA)}\nB heard {string.Join('\n', heardByB)}{lab.Diagnostics()}");
        Assert.Equal(0, From(heardByA, A.Mac));
        Assert.Equal(0, From(heardByB, B.Mac));

        Assert.Equal(0, lab.Appliance.Cli("link", "set", "dev", "hv1", "hairpin", "on").Exit);
        (heardByA, heardByB) = await BroadcastBothWaysAsync(vmA, vmB);
        Assert.True(From(heardByB, A.Mac) == BroadcastsEach, $"B heard: {string.Join('\n', heardByB)}{lab.Diagnostics()}");
        Assert.True(From(heardByA, B.Mac) == BroadcastsEach, $"A heard: {string.Join('\n', heardByA)}{lab.Diagnostics()}");
        Assert.True(From(heardByA, A.Mac) == 0, $"A heard its own reflected broadcast: {string.Join('\n', heardByA)}");
        Assert.True(From(heardByB, B.Mac) == 0, $"B heard its own reflected broadcast: {string.Join('\n', heardByB)}");
    }

    [Fact(Timeout = 120_000)]
    public async Task VmsInOneVlanReachEachOtherThroughATrunkWithHairpinButNotAVmInAnotherVlan()
    {
        LabVm a = A with { Vlan = 10 };
        LabVm b = B with { Vlan = 10 };
        LabVm d = new("vm-d", "02:93:00:00:00:0d", "169.254.93.4", Vlan: 20);
        await using VswitchApplianceLab lab = await VswitchApplianceLab.StartAsync([a, b, d],
            hv1Settings: "    hairpin: true\n    vlan: { trunk: \"10,20\", native: 1 }",
            hv2Settings: "    vlan: { access: 20 }");
        NetNamespace vmA = lab.Vm(a.Name);
        NetNamespace vmD = lab.Vm(d.Name);
        NetNamespace hostC = lab.HostC;

        // The positive paths: VLAN 10 between A and B (tagged up the uplink, reflected), VLAN 20 from D to C.
        Assert.True(await NetLab.PingAsync(vmA.Name, b.Address) > 0, $"A reaches B in VLAN 10{lab.Diagnostics()}");
        Assert.True(await NetLab.PingAsync(vmD.Name, VswitchApplianceLab.AddressC) > 0, $"D reaches C in VLAN 20{lab.Diagnostics()}");

        // Across VLANs, even with the neighbours known (no ARP needed): nothing gets through.
        await VswitchApplianceLab.StaticNeighbourAsync(vmA, d.Address, d.Mac);
        await VswitchApplianceLab.StaticNeighbourAsync(vmD, a.Address, a.Mac);
        await VswitchApplianceLab.StaticNeighbourAsync(vmA, VswitchApplianceLab.AddressC, VswitchApplianceLab.MacC);
        await VswitchApplianceLab.StaticNeighbourAsync(hostC, a.Address, a.Mac);
        Assert.True(await NetLab.PingAsync(vmA.Name, d.Address) == 0, $"A (VLAN 10) reached D (VLAN 20){lab.Diagnostics()}");
        Assert.True(await NetLab.PingAsync(vmA.Name, VswitchApplianceLab.AddressC) == 0, $"A (VLAN 10) reached C (VLAN 20){lab.Diagnostics()}");
        Assert.True(await NetLab.PingAsync(vmD.Name, VswitchApplianceLab.AddressC) > 0, "D still reaches C");
    }

    /// <summary>Both VMs send <see cref="BroadcastsEach"/> ARP requests for an absent address at once; what each captured inbound.</summary>
    private static async Task<(string[] HeardByA, string[] HeardByB)> BroadcastBothWaysAsync(NetNamespace vmA, NetNamespace vmB)
    {
        using PacketCapture atA = await PacketCapture.StartAsync(vmA, "eth0", "arp", seconds: 5);
        using PacketCapture atB = await PacketCapture.StartAsync(vmB, "eth0", "arp", seconds: 5);
        string[] arping = ["arping", "-i", "eth0", "-c", BroadcastsEach.ToString(CultureInfo.InvariantCulture), "-W", "0.2", Nobody];
        await Task.WhenAll(
            vmA.ExecAsync(arping, check: false, timeout: TimeSpan.FromSeconds(10)),
            vmB.ExecAsync(arping, check: false, timeout: TimeSpan.FromSeconds(10)));
        return (await atA.FramesAsync(), await atB.FramesAsync());
    }

    /// <summary>Captured ARP requests for the absent address sent by <paramref name="mac"/>.</summary>
    private static int From(string[] lines, string mac) =>
        lines.Count(line => line.Contains($"{mac} > ", StringComparison.Ordinal) && line.Contains($"who-has {Nobody}", StringComparison.Ordinal));
}
