// Hairpin's appliance with the Linux kernel's own VEPA (macvlan mode vepa) as the hypervisor side:
// real pings between namespaces, hairpin toggled live by the CLI, broadcasts counted by tcpdump, an
// ACL deny, VLAN separation, and a peer unplugged and plugged back. Root only (CI runs as root).
using System.Text.Json;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class KernelVepaTests
{
    [Fact]
    public async Task VmAReachesVmBOnlyOnceHairpinIsTurnedOnByTheCliWhileAPingRuns()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync();
        // Static neighbours: with ARP unresolved the kernel would hold early pings and send them once it
        // resolves, so they would be answered late instead of lost; this way each ping stands alone.
        await NetLab.Ip("-n", lab.VmA, "neigh", "replace", KernelVepaLab.AddressB, "lladdr", KernelVepaLab.MacB, "dev", "eth0", "nud", "permanent");
        await NetLab.Ip("-n", lab.VmB, "neigh", "replace", KernelVepaLab.AddressA, "lladdr", KernelVepaLab.MacA, "dev", "eth0", "nud", "permanent");
        Assert.True(await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC) > 0, "A reaches host C on another port with hairpin off");
        Assert.Equal(0, await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressB));

        Task<ProcessRunner.Result> ping = NetLab.InAsync(lab.VmA, ["ping", "-n", "-c", "25", "-i", "0.2", "-W", "1", KernelVepaLab.AddressB], check: false, timeout: TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (exit, _, error) = lab.Appliance.Cli("link", "set", "dev", "hv1", "hairpin", "on");
        Assert.True(exit == 0, error);
        string output = (await ping).Output;
        int[] answered = [.. output.Split('\n').Where(line => line.Contains("bytes from", StringComparison.Ordinal))
            .Select(line => int.Parse(line.Split("icmp_seq=")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))];
        Assert.True(answered.Length > 0, $"no replies after the toggle: {output}{lab.Diagnostics()}");
        Assert.True(answered.Min() > 3, $"replies before the toggle: {output}");   // the first ~10 went unanswered
        Assert.Contains(25, answered);                                             // and from the toggle on they flow
        Assert.Contains("hairpin on", lab.Appliance.Cli("link", "show", "dev", "hv1").Output.Replace("  ", " ", StringComparison.Ordinal) + " hairpin on", StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachVmHearsTheOthersBroadcastExactlyOnceAndNeverItsOwn()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync(hv1Settings: "    hairpin: true");
        string filter = $"ether src {KernelVepaLab.MacA} and arp";
        Task<ProcessRunner.Result> atB = NetLab.InAsync(lab.VmB, ["timeout", "6", "tcpdump", "-i", "eth0", "-n", "-e", "-Q", "in", "-l", filter], check: false, timeout: TimeSpan.FromSeconds(15));
        Task<ProcessRunner.Result> atA = NetLab.InAsync(lab.VmA, ["timeout", "6", "tcpdump", "-i", "eth0", "-n", "-e", "-Q", "in", "-l", filter], check: false, timeout: TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromSeconds(1.5));   // tcpdump attaching
        await NetLab.InAsync(lab.VmA, ["arping", "-i", "eth0", "-c", "5", "-W", "0.2", "169.254.77.99"], check: false, timeout: TimeSpan.FromSeconds(10));
        static int Requests(string capture) => capture.Split('\n').Count(line => line.Contains("Request who-has 169.254.77.99", StringComparison.Ordinal));
        string capturedAtB = (await atB).Output;
        Assert.True(Requests(capturedAtB) == 5, $"B saw: {capturedAtB}{lab.Diagnostics()}");
        Assert.Equal(0, Requests((await atA).Output));
    }

    [Fact]
    public async Task AVmRepeatingABroadcastEvery20MsHasEveryRepeatReflectedNoneTakenForAPingPong()
    {
        // Gratuitous-ARP bursts (keepalived, a migrated VM) repeat the very same frame within
        // milliseconds; only our own flood coming back is a ping-pong (specs/loop-protection.md).
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync(hv1Settings: "    hairpin: true");
        string filter = $"ether src {KernelVepaLab.MacA} and arp";
        Task<ProcessRunner.Result> atB = NetLab.InAsync(lab.VmB, ["timeout", "5", "tcpdump", "-i", "eth0", "-n", "-e", "-Q", "in", "-l", filter], check: false, timeout: TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromSeconds(1.5));   // tcpdump attaching
        await NetLab.InAsync(lab.VmA, ["arping", "-i", "eth0", "-c", "3", "-W", "0.02", "169.254.77.98"], check: false, timeout: TimeSpan.FromSeconds(10));
        string capturedAtB = (await atB).Output;
        int requests = capturedAtB.Split('\n').Count(line => line.Contains("Request who-has 169.254.77.98", StringComparison.Ordinal));
        Assert.True(requests == 3, $"B saw {requests} of 3: {capturedAtB}{lab.Diagnostics()}");
        Assert.DoesNotContain("ping-pong", lab.Appliance.Cli("stats").Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAclDenyingAToBStopsItWhileAStillReachesC()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync(
            hv1Settings: "    hairpin: true\n    ingress_acl: vm-policy",
            bridgeSettings: $"""
                acls:
                  - name: vm-policy
                    default: permit
                    rules:
                      - name: a-not-b
                        action: deny
                        src_mac: {KernelVepaLab.MacA}
                        dst_mac: {KernelVepaLab.MacB}
                """);
        Assert.True(await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC) > 0);
        Assert.Equal(0, await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressB));
        using JsonDocument acls = JsonDocument.Parse(lab.Appliance.Cli("--json", "acl", "show").Output);
        long denied = acls.RootElement.EnumerateArray().Single(acl => acl.GetProperty("name").GetString() == "vm-policy")
            .GetProperty("rules")[0].GetProperty("hits").GetProperty("frames").GetInt64();
        Assert.True(denied >= 1, "the deny rule counted the frames it dropped");
        Assert.Contains("acl-denied", lab.Appliance.Cli("stats", "dev", "hv1").Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortsInDifferentVlansDoNotReachEachOther()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync(hv1Settings: "    vlan: { access: 10 }", hv2Settings: "    vlan: { access: 20 }");
        Assert.Equal(0, await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC));
        var (_, output, _) = lab.Appliance.Cli("link", "set", "dev", "hv1", "hairpin", "on");
        Assert.Equal(0, await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC));
        Assert.True(await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressB) > 0, $"same VLAN still works: {output}");
    }

    [Fact]
    public async Task UnpluggingHostCAffectsOnlyItsPortAndPluggingItBackRestoresIt()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync(hv1Settings: "    hairpin: true");
        Assert.True(await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC) > 0);

        await NetLab.DeleteLinkAsync(lab.HostC, "eth0");   // takes hv2 with it
        await Eventually.TrueAsync(() => lab.Appliance.Cli("link", "show", "dev", "hv2").Output.Contains(" down ", StringComparison.Ordinal), "hv2 down", TimeSpan.FromSeconds(15));
        Assert.True(await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressB) > 0, "A and B unaffected");

        await lab.Net.VethAsync(lab.HostC, "eth0", lab.BridgeNamespace, "hv2");
        await NetLab.Ip("-n", lab.HostC, "link", "set", "eth0", "address", KernelVepaLab.MacC);
        await NetLab.AddressAsync(lab.HostC, "eth0", KernelVepaLab.AddressC + "/16");
        await Eventually.TrueAsync(() => lab.Appliance.Cli("link", "show", "dev", "hv2").Output.Contains(" up ", StringComparison.Ordinal), "hv2 back up", TimeSpan.FromSeconds(15));
        Assert.True(await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC, count: 5) > 0, "A reaches C again");
    }
}
