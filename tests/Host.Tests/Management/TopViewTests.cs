// `hairpin top`'s screen (TopView): VMs by frames per second both ways, busiest first, with bit rates
// and drops per second; drop reasons by how fast they rise; the first screen, with nothing to compare
// against, shows totals and zero rates.
using Hairpin.Host.Commands;
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Management;

public sealed class TopViewTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 19, 0, 0, TimeSpan.Zero);

    private static VmStats Vm(string mac, long rx, long tx, long dropped = 0) =>
        new("hv1", null, mac, 1, new TrafficCounters(rx, rx * 100), new TrafficCounters(tx, tx * 100), dropped);

    private static BridgeStats Stats(IReadOnlyList<VmStats> vms, long aclDenied = 0, long queueFull = 0) =>
        new([new PortStats("hv1", new TrafficCounters(0, 0), new TrafficCounters(0, 0), 0, 0, 0,
                [new DropCount("acl-denied", aclDenied)], [new DropCount("egress-queue-full", queueFull)], [], new TrafficCounters(0, 0), new LinkEvents(1, 0), [])],
            [], null, vms);

    [Fact]
    public void TheBusiestVmComesFirstWithItsRatesOverTheInterval()
    {
        BridgeStats before = Stats([Vm("52:54:00:00:00:0a", 100, 100), Vm("52:54:00:00:00:0b", 1_000, 0)]);
        BridgeStats now = Stats([Vm("52:54:00:00:00:0a", 700, 500, dropped: 20), Vm("52:54:00:00:00:0b", 1_100, 0)]);

        List<string> screen = TopView.Render(before, now, seconds: 2, rows: 10, At);

        Assert.StartsWith("hairpin top - 19:00:00, every 2 s - 2 VMs", screen[0], StringComparison.Ordinal);
        string[] vmLines = [.. screen.Where(line => line.Contains("52:54:00", StringComparison.Ordinal))];
        Assert.Equal(2, vmLines.Length);
        Assert.Contains("52:54:00:00:00:0a", vmLines[0], StringComparison.Ordinal);   // 300 + 200 frames/s beats 50
        Assert.Equal(["hv1", "-", "52:54:00:00:00:0a", "1", "300", "200", "240000", "160000", "10", "700", "500"], vmLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["hv1", "-", "52:54:00:00:00:0b", "1", "50", "0", "40000", "0", "0", "1100", "0"], vmLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void TheDropReasonRisingFastestComesFirst()
    {
        BridgeStats before = Stats([], aclDenied: 1_000, queueFull: 0);
        BridgeStats now = Stats([], aclDenied: 1_010, queueFull: 50);

        List<string> screen = TopView.Render(before, now, seconds: 1, rows: 10, At);

        string[] drops = [.. screen.SkipWhile(line => !line.StartsWith("PORT", StringComparison.Ordinal) || !line.Contains("REASON", StringComparison.Ordinal)).Skip(1)];
        Assert.Equal(["hv1", "egress", "egress-queue-full", "50", "50"], drops[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["hv1", "ingress", "acl-denied", "10", "1010"], drops[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void TheFirstScreenShowsTotalsAndNoRatesAndRowsAreLimited()
    {
        BridgeStats now = Stats([.. Enumerable.Range(1, 5).Select(i => Vm($"52:54:00:00:00:{i:x2}", i * 10, 0))]);

        List<string> screen = TopView.Render(null, now, seconds: 0, rows: 3, At);

        string[] vmLines = [.. screen.Where(line => line.Contains("52:54:00", StringComparison.Ordinal))];
        Assert.Equal(3, vmLines.Length);
        Assert.Contains("52:54:00:00:00:05", vmLines[0], StringComparison.Ordinal);   // most frames first when no rate is known yet
        Assert.All(vmLines, line => Assert.Equal("0", line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4]));
    }

    [Fact]
    public void WithFlowExportOnTheBusiestFlowsAreShownByFramesPerSecond()
    {
        static FlowInfo Flow(string source, long packets) => new("hv1", "52:54:00:00:00:0a", "52:54:00:00:00:0b", 10, "udp", source, "192.168.0.11:53", packets, packets * 64, null);
        BridgeStats before = Stats([]) with { Flows = [Flow("192.168.0.10:1000", 1_000), Flow("192.168.0.10:2000", 10)] };
        BridgeStats now = Stats([]) with { Flows = [Flow("192.168.0.10:1000", 1_010), Flow("192.168.0.10:2000", 510)] };

        List<string> screen = TopView.Render(before, now, seconds: 1, rows: 10, At);

        string[] flowLines = [.. screen.Where(line => line.Contains("192.168.0.11:53", StringComparison.Ordinal))];
        Assert.Equal(["hv1", "192.168.0.10:2000", "192.168.0.11:53", "udp", "10", "500", "256000", "510", "-"], flowLines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["hv1", "192.168.0.10:1000", "192.168.0.11:53", "udp", "10", "10", "5120", "1010", "-"], flowLines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
