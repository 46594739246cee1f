// Every frame is accounted for, exactly, on a real `hairpin bridge` with afpacket ports after a flood
// it cannot keep up with (the bridge is stopped with SIGSTOP while it comes, so its receive ring
// overflows however fast the bridge is): what the kernel handed over or dropped for a port is forwarded, trapped or
// dropped by reason; what the bridge queued for a port left or was dropped by reason; and the kernel's
// own interface counters agree. A port on a missing interface sends nothing and says so (in the log too),
// and the bridge offers it nothing (its link is down, as a Linux bridge port without carrier is disabled).
using System.Globalization;
using System.Text.Json;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Tests.RealPeers;

namespace Hairpin.Host.Tests.Appliance;

[Collection(RealPeerTestGroup.Name)]
public sealed class FrameAccountingTests
{
    private const int FloodFrames = 150_000;   // per sender, two senders: far more than a port's receive ring holds
    private const int JumboFrames = 100;       // 4000 bytes: larger than a queue slot (rx-too-big)
    private const int OverMtuFrames = 50;      // 1600 bytes: forwarded, refused by port b's 1500-byte MTU (tx-send-failed)

    [Fact(Timeout = 300_000)]
    public async Task EveryFrameOfAFloodIsCountedOnceOnEveryPort()
    {
        await using var net = new NetLab();
        string bridgeNs = await net.NamespaceAsync("hpacb");
        string senderNs = await net.NamespaceAsync("hpacs");
        string receiverNs = await net.NamespaceAsync("hpacr");
        foreach (string ns in (string[])[bridgeNs, senderNs, receiverNs])
        {
            // No IPv6 chatter (router solicitations, MLD): the only frames are the test's.
            await NetLab.InAsync(ns, ["sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1"]);
        }
        await net.VethAsync(senderNs, "s0", bridgeNs, "a0");
        await net.VethAsync(receiverNs, "r0", bridgeNs, "b0");
        await NetLab.Ip("-n", senderNs, "link", "set", "s0", "mtu", "9000");
        await NetLab.Ip("-n", bridgeNs, "link", "set", "a0", "mtu", "9000");
        string missing = $"gone-{net.Suffix}";
        string yaml = $"""
            max_frame: 2000
            loop_detection: false
            ports:
              - name: a
                attach: {"{"} afpacket: a0 {"}"}
              - name: b
                attach: {"{"} afpacket: b0 {"}"}
              - name: c
                attach: {"{"} afpacket: {missing} {"}"}
            """;
        await using ManagedProcess bridge = await ManagedProcess.StartApplianceAsync(bridgeNs, yaml);
        await Eventually.TrueAsync(() => bridge.Cli("link", "show").Output.Split('\n').Count(line => line.Contains(" up ", StringComparison.Ordinal)) == 2,
            "ports a and b up", TimeSpan.FromSeconds(15));

        // The flood, from two senders at once, while the bridge is stopped (it would otherwise take it all
        // on a quiet machine), then the odd sizes, paced so that each lands whole.
        await ProcessRunner.RunAsync("kill", ["-STOP", bridge.ProcessId.ToString(CultureInfo.InvariantCulture)]);
        int flooded;
        try
        {
            Task<int>[] flood =
            [
                RawSender.BroadcastAsync(senderNs, "s0", FloodFrames, 64, "02aa00000001", timeout: TimeSpan.FromSeconds(120)),
                RawSender.BroadcastAsync(senderNs, "s0", FloodFrames, 64, "02aa00000002", timeout: TimeSpan.FromSeconds(120)),
            ];
            flooded = (await Task.WhenAll(flood)).Sum();
        }
        finally
        {
            await ProcessRunner.RunAsync("kill", ["-CONT", bridge.ProcessId.ToString(CultureInfo.InvariantCulture)]);
        }
        await SettledStatsAsync(bridge);
        int jumbo = await RawSender.BroadcastAsync(senderNs, "s0", JumboFrames, 4000, "02aa00000003", TimeSpan.FromMilliseconds(1));
        int overMtu = await RawSender.BroadcastAsync(senderNs, "s0", OverMtuFrames, 1600, "02aa00000004", TimeSpan.FromMilliseconds(1));
        Assert.Equal((JumboFrames, OverMtuFrames), (jumbo, overMtu));
        using JsonDocument stats = await SettledStatsAsync(bridge);
        string shown = $"\n{bridge.Cli("stats").Output}";

        JsonElement a = Port(stats, "a");
        JsonElement b = Port(stats, "b");
        JsonElement c = Port(stats, "c");
        long forwarded = a.GetProperty("forwarded").GetInt64();

        // Port a received: every frame handed over or dropped for it has one disposition.
        long rxA = Frames(a, "rx");
        Assert.True(rxA == forwarded + a.GetProperty("trapped").GetInt64() + Sum(a, "ingressDrops"), $"a: rx = forwarded + trapped + in-drops{shown}");
        Assert.Equal(await KernelCounterAsync(bridgeNs, "a0", "rx_packets"), rxA);
        Assert.True(rxA >= flooded + jumbo + overMtu, $"a: rx {rxA} below the {flooded + jumbo + overMtu} frames sent{shown}");
        Assert.Equal(jumbo, Drop(a, "ingressDrops", "rx-too-big"));
        Assert.True(Drop(a, "ingressDrops", "rx-queue-full") + Drop(a, "ingressDrops", "rx-socket-drop") > 0, $"the flood did not overload the bridge{shown}");

        // Port b sent: every copy the bridge meant for it left or was dropped by reason.
        Assert.True(Frames(b, "tx") + Sum(b, "egressDrops") == forwarded, $"b: tx + out-drops = a's forwarded{shown}");
        Assert.True(Frames(b, "queued") == Frames(b, "tx") + HostDrops(b, "egressDrops"), $"b: queued = tx + tx-* drops{shown}");
        Assert.Equal(overMtu, Drop(b, "egressDrops", "tx-send-failed"));
        Assert.Equal(await KernelCounterAsync(bridgeNs, "b0", "tx_packets"), Frames(b, "tx"));

        // Port c has no interface: said at start, nothing left by it, and nothing was meant for it (it used
        // to be offered every flood copy, each then counted as tx-link-down).
        Assert.Contains($"port c: link down on {missing}: no interface {missing}", bridge.Log, StringComparison.Ordinal);
        Assert.Equal(0, Frames(c, "tx"));
        Assert.Equal(0, Frames(c, "rx"));
        Assert.True(Frames(c, "queued") == 0 && Sum(c, "egressDrops") == 0, $"c: nothing meant for a port without link{shown}");
    }

    /// <summary>`stats --json` once two readings a second apart agree (the bridge has drained).</summary>
    private static async Task<JsonDocument> SettledStatsAsync(ManagedProcess bridge)
    {
        string previous = "";
        DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            (int exit, string output, string error) = bridge.Cli("--json", "stats");
            Assert.True(exit == 0, error);
            if (output == previous)
            {
                return JsonDocument.Parse(output);
            }
            previous = output;
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Assert.Fail($"the counters kept changing for 60 s after the traffic stopped:\n{previous}");
        return null!;
    }

    private static JsonElement Port(JsonDocument stats, string name) =>
        stats.RootElement.GetProperty("ports").EnumerateArray().Single(port => port.GetProperty("name").GetString() == name);

    private static long Frames(JsonElement port, string counter) => port.GetProperty(counter).GetProperty("frames").GetInt64();

    private static long Sum(JsonElement port, string list) => port.GetProperty(list).EnumerateArray().Sum(drop => drop.GetProperty("frames").GetInt64());

    /// <summary>The drops between the wire and the engine (rx-*, tx-*) in a list.</summary>
    private static long HostDrops(JsonElement port, string list) =>
        port.GetProperty(list).EnumerateArray()
            .Where(drop => drop.GetProperty("reason").GetString()!.StartsWith("tx-", StringComparison.Ordinal) || drop.GetProperty("reason").GetString()!.StartsWith("rx-", StringComparison.Ordinal))
            .Sum(drop => drop.GetProperty("frames").GetInt64());

    private static long Drop(JsonElement port, string list, string reason) =>
        port.GetProperty(list).EnumerateArray().Where(drop => drop.GetProperty("reason").GetString() == reason).Sum(drop => drop.GetProperty("frames").GetInt64());

    private static async Task<long> KernelCounterAsync(string ns, string device, string counter) =>
        long.Parse((await NetLab.InAsync(ns, ["cat", $"/sys/class/net/{device}/statistics/{counter}"])).Output.Trim(), CultureInfo.InvariantCulture);
}
