// A physical loop on the real appliance: two afpacket ports joined by a veth pair, hosts in their
// own namespaces on two more ports. A broadcast storms until a probe finds the loop; then hosts
// reach each other at once (the loop's FDB entries are gone), every retry into the loop that is
// still there is caught by its probe before a frame goes round (bounded counts), management answers
// throughout, each step is logged, and once the loop is gone the port forwards again.
using System.Globalization;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class PhysicalLoopTests
{
    private const string AddressOne = "169.254.88.1";
    private const string AddressTwo = "169.254.88.2";
    private static readonly string[] LoopedPorts = ["l1", "l2"];

    [Fact]
    public async Task ALoopIsCutHostsReachEachOtherAtOnceRetriesDoNotStormAndThePortReturnsWhenTheLoopGoes()
    {
        await using var net = new NetLab();
        string bridge = await net.NamespaceAsync("hplb");
        string one = await net.NamespaceAsync("hpl1");
        string two = await net.NamespaceAsync("hpl2");
        await net.VethAsync(one, "eth0", bridge, "h1");
        await net.VethAsync(two, "eth0", bridge, "h2");
        await net.VethAsync(bridge, "l1", bridge, "l2");   // the loop: a cable from the bridge back to itself
        await NetLab.Ip("-n", bridge, "link", "set", "l2", "down");   // unplugged until the storm is wanted
        await NetLab.AddressAsync(one, "eth0", AddressOne + "/16");
        await NetLab.AddressAsync(two, "eth0", AddressTwo + "/16");
        await using ManagedProcess appliance = await ManagedProcess.StartApplianceAsync(bridge, """
            loop_detection:
              retry: 2s
            ports:
              - name: h1
                attach: { afpacket: h1 }
              - name: h2
                attach: { afpacket: h2 }
              - name: l1
                attach: { afpacket: l1 }
              - name: l2
                attach: { afpacket: l2 }
            """);
        string Diagnostics() => $"\n{appliance.Cli("link", "show").Output}\n{appliance.Cli("stats").Output}\n{appliance.Cli("fdb", "show").Output}\nlog:\n{appliance.Log}";
        int answers = 0;
        string LinkShow()
        {
            var (exit, output, error) = appliance.Cli("link", "show");
            Assert.True(exit == 0, $"management did not answer `link show`: {error}{Diagnostics()}");
            answers++;
            return output;
        }
        string? LoopedPortDown() => LoopedPorts.SingleOrDefault(port => Row(LinkShow(), port).Contains("(loop-detected)", StringComparison.Ordinal));
        bool Up(params string[] ports)
        {
            string table = LinkShow();
            return ports.All(port => Row(table, port).Contains(" up ", StringComparison.Ordinal));
        }
        await Eventually.TrueAsync(() => Up("h1", "h2"), "h1 and h2 up", TimeSpan.FromSeconds(15));

        // Plug the cable in and send one ARP broadcast: it storms round the loop until the next probe
        // round finds it. Management answers all along (every LinkShow asserts it).
        await NetLab.Ip("-n", bridge, "link", "set", "l2", "up");
        await Eventually.TrueAsync(() => Up("l1", "l2"), "the looped ports up", TimeSpan.FromSeconds(15));
        Task<int> firstPing = NetLab.PingAsync(one, AddressTwo, count: 1);
        await Eventually.TrueAsync(() => LoopedPortDown() is not null, "a looped port error-disabled", TimeSpan.FromSeconds(20));
        await firstPing;
        string down = LoopedPortDown()!;
        long storm = RxFrames(appliance, "l1") + RxFrames(appliance, "l2");
        Assert.True(storm > 100, $"no storm ran before the loop was found ({storm} frames): the rest proves less than it says{Diagnostics()}");
        string stillUp = LoopedPorts.Single(port => port != down);

        // The FDB kept nothing the loop taught: the hosts reach each other within seconds.
        int replies = 0;
        for (int attempt = 0; attempt < 5 && replies == 0; attempt++)
        {
            replies = await NetLab.PingAsync(one, AddressTwo, count: 2);
        }
        Assert.True(replies > 0, $"host one cannot reach host two after the loop was cut{Diagnostics()}");

        // The loop is still there: each retry probes, finds it, and goes back down for twice as long,
        // without a storm. A storm runs at hundreds of thousands of frames a second; a probe or two
        // and the hosts' own chatter is all that may cross the cable.
        long loopedRxBefore = RxFrames(appliance, "l1") + RxFrames(appliance, "l2");
        await Eventually.TrueAsync(() => ProtectionCount(appliance, down, "error-disabled", "loop-detected") >= 3 && LinkShow().Length > 0,
            "two retries into the loop caught", TimeSpan.FromSeconds(30));
        long loopedRx = RxFrames(appliance, "l1") + RxFrames(appliance, "l2") - loopedRxBefore;
        Assert.True(loopedRx < 2_000, $"{loopedRx} frames crossed the loop during the retries{Diagnostics()}");
        await LoggedAsync(appliance, $"port {down} error-disabled (loop-detected) for 2 s: a loop probe sent out of");
        await LoggedAsync(appliance, $"port {down} error-disabled (loop-detected) for 4 s");
        await LoggedAsync(appliance, $"port {down} hold over (loop-detected): probing for the loop");
        Assert.True(await NetLab.PingAsync(one, AddressTwo, count: 2) > 0, $"the hosts lost each other during the retries{Diagnostics()}");

        // Remove the loop (the cable's other end goes down): the next retry's probe stays away.
        await NetLab.Ip("-n", bridge, "link", "set", stillUp, "down");
        await Eventually.TrueAsync(() => Row(LinkShow(), down).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] == "forwarding",
            $"{down} forwarding again", TimeSpan.FromSeconds(30));
        await LoggedAsync(appliance, $"port {down} recovered from loop-detected: forwarding");
        Assert.True(answers > 10, $"only {answers} management answers");
    }

    /// <summary>The appliance logs through a console queue and the test reads its stderr as it comes: a line may lag what it reports.</summary>
    private static Task LoggedAsync(ManagedProcess appliance, string text) =>
        Eventually.TrueAsync(() => appliance.Log.Contains(text, StringComparison.Ordinal), $"the log line \"{text}\"", TimeSpan.FromSeconds(5));

    private static string Row(string table, string port) =>
        table.Split('\n').FirstOrDefault(line => line.StartsWith(port + " ", StringComparison.Ordinal)) ?? "";

    /// <summary>RX-FRAMES of the port in `stats`' traffic table.</summary>
    private static long RxFrames(ManagedProcess appliance, string port)
    {
        var (exit, output, error) = appliance.Cli("stats");
        Assert.True(exit == 0, $"management did not answer `stats`: {error}");
        return long.Parse(Row(output, port).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <summary>A count from `stats`' protection table (PORT EVENT CAUSE COUNT), 0 when absent.</summary>
    private static long ProtectionCount(ManagedProcess appliance, string port, string protectionEvent, string cause)
    {
        var (exit, output, error) = appliance.Cli("stats");
        Assert.True(exit == 0, $"management did not answer `stats`: {error}");
        foreach (string line in output.Split('\n'))
        {
            string[] words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 4 && words[0] == port && words[1] == protectionEvent && words[2] == cause)
            {
                return long.Parse(words[3], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }
}
