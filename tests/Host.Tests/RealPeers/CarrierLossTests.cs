// The appliance's afpacket port when its interface loses carrier, as the Linux bridge treats it: host
// C takes its end of the veth down (the appliance's hv2 stays admin-up, NO-CARRIER), and hv2 is
// reported down for no carrier, what the FDB learned on it is gone, and the bridge offers it nothing
// (as Linux's bridge disables the port): A's frames for C, flooded now, give hv2 no copy, so none is
// counted lost there (tx-link-down); when C comes back up, hv2 forwards again. Root only (CI runs as root).
using System.Text.Json;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class CarrierLossTests
{
    [Fact]
    public async Task APortWhosePeerGoesDownIsDownForNoCarrierForgetsItsHostsAndForwardsAgainWhenThePeerReturns()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync();
        Assert.True(await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC) > 0, $"A reaches C before{lab.Diagnostics()}");
        Assert.Contains(KernelVepaLab.MacC, HostsOn(lab, "hv2"));

        await NetLab.Ip("-n", lab.HostC, "link", "set", "eth0", "down");
        await Eventually.TrueAsync(() => lab.Appliance.Cli("link", "show", "dev", "hv2").Output.Contains(" down (no-carrier) ", StringComparison.Ordinal),
            "hv2 down for no carrier", TimeSpan.FromSeconds(10));
        using (JsonDocument link = JsonDocument.Parse(lab.Appliance.Cli("--json", "link", "show", "dev", "hv2").Output))
        {
            JsonElement hv2 = link.RootElement[0];
            Assert.Equal(("down", "no carrier"), (hv2.GetProperty("link").GetString(), hv2.GetProperty("linkDownReason").GetString()));
        }
        await Eventually.TrueAsync(() => !HostsOn(lab, "hv2").Contains(KernelVepaLab.MacC, StringComparison.OrdinalIgnoreCase), "C's entry on hv2 flushed", TimeSpan.FromSeconds(5));
        // The appliance's console logger writes from a queue of its own and the test reads its stderr
        // asynchronously: the line may arrive after the state the CLI shows at once.
        await Eventually.TrueAsync(() => lab.Appliance.Log.Contains("port hv2: link down on hv2: no carrier", StringComparison.Ordinal),
            "the log line \"port hv2: link down on hv2: no carrier\"", TimeSpan.FromSeconds(5));

        long before = LinkDownDrops(lab, "hv2");
        long nowhereBefore = Drops(lab, "hv1", "ingressDrops", "no-eligible-port");
        long heardBefore = Received(lab, "hv1");
        Assert.Equal(0, await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC));   // A's frames for C are flooded now, and hv2, without carrier, is offered none
        // `stats` is answered on the forwarding thread after the batch that counted a frame in was sent.
        await Eventually.TrueAsync(() => Received(lab, "hv1") > heardBefore, "A's frames for C received on hv1", TimeSpan.FromSeconds(5));
        Assert.True(LinkDownDrops(lab, "hv2") == before, $"hv2 counted copies it was never meant to get as tx-link-down:\n{lab.Appliance.Cli("stats").Output}");
        Assert.True(Drops(lab, "hv1", "ingressDrops", "no-eligible-port") > nowhereBefore,
            $"A's frames for C dropped on hv1 with nowhere to go (hv2, the only other port, has no carrier):\n{lab.Appliance.Cli("stats").Output}");

        await NetLab.Ip("-n", lab.HostC, "link", "set", "eth0", "up");
        await Eventually.TrueAsync(() => lab.Appliance.Cli("link", "show", "dev", "hv2").Output.Contains(" up ", StringComparison.Ordinal), "hv2 up again", TimeSpan.FromSeconds(10));
        Assert.True(await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC, count: 5) > 0, $"A reaches C again{lab.Diagnostics()}");
        Assert.Contains(KernelVepaLab.MacC, HostsOn(lab, "hv2"));
    }

    private static string HostsOn(KernelVepaLab lab, string port) => lab.Appliance.Cli("fdb", "show", "dev", port).Output;

    private static long Received(KernelVepaLab lab, string port)
    {
        using JsonDocument stats = JsonDocument.Parse(lab.Appliance.Cli("--json", "stats").Output);
        return stats.RootElement.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("name").GetString() == port).GetProperty("rx").GetProperty("frames").GetInt64();
    }

    private static long LinkDownDrops(KernelVepaLab lab, string port) => Drops(lab, port, "egressDrops", "tx-link-down");

    private static long Drops(KernelVepaLab lab, string port, string direction, string reason)
    {
        using JsonDocument stats = JsonDocument.Parse(lab.Appliance.Cli("--json", "stats").Output);
        JsonElement row = stats.RootElement.GetProperty("ports").EnumerateArray().Single(p => p.GetProperty("name").GetString() == port);
        return row.GetProperty(direction).EnumerateArray().Where(d => d.GetProperty("reason").GetString() == reason).Sum(d => d.GetProperty("frames").GetInt64());
    }
}
