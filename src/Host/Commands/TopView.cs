// What `hairpin top` shows each refresh, from two `stats` answers a known time apart: the busiest VMs
// by frames per second (both ways), the busiest flows (with flow export on), and the drop reasons
// rising fastest per port and direction. Pure:
// the command owns the terminal, the clock and the socket.
using System.Globalization;
using Hairpin.Host.Demo;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class TopView
{
    private static readonly string[] VmHeader = ["PORT", "VSI", "MAC", "VLAN", "RX-FPS", "TX-FPS", "RX-BPS", "TX-BPS", "DROPS/S", "RX-FRAMES", "TX-FRAMES"];
    private static readonly int[] VmNumbers = [3, 4, 5, 6, 7, 8, 9, 10];
    private static readonly string[] FlowHeader = ["PORT", "SRC", "DST", "PROTO", "VLAN", "FPS", "BPS", "FRAMES", "DROPPED"];
    private static readonly int[] FlowNumbers = [4, 5, 6, 7];
    private static readonly string[] DropHeader = ["PORT", "DIRECTION", "REASON", "DROPS/S", "TOTAL"];
    private static readonly int[] DropNumbers = [3, 4];

    /// <summary>The screen for <paramref name="now"/>, rates against <paramref name="before"/> taken <paramref name="seconds"/> earlier (null: the first, totals only).</summary>
    public static List<string> Render(BridgeStats? before, BridgeStats now, double seconds, int rows, DateTimeOffset at)
    {
        double interval = seconds > 0 ? seconds : 1;
        var lines = new List<string>
        {
            $"hairpin top - {at.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}, every {interval.ToString("0.#", CultureInfo.InvariantCulture)} s"
                + $" - {now.Vms?.Count ?? 0} VMs{(now.OtherVms is { } other ? $" (+{other.Vms} summed as other)" : "")} - q or Ctrl-C quits",
            "",
        };
        Dictionary<(string, string?, string?, int), VmStats> previous = (before?.Vms ?? []).ToDictionary(Key);
        var vms = (now.Vms ?? []).Select(vm =>
        {
            VmStats? last = previous.GetValueOrDefault(Key(vm));
            return (Vm: vm,
                RxFps: Rate(vm.Rx.Frames, last?.Rx.Frames), TxFps: Rate(vm.Tx.Frames, last?.Tx.Frames),
                RxBps: Rate(vm.Rx.Bytes, last?.Rx.Bytes) * 8, TxBps: Rate(vm.Tx.Bytes, last?.Tx.Bytes) * 8, Drops: Rate(vm.Dropped, last?.Dropped));
        })
        .OrderByDescending(row => row.RxFps + row.TxFps).ThenByDescending(row => row.Vm.Rx.Frames + row.Vm.Tx.Frames).ThenBy(row => row.Vm.Port, StringComparer.Ordinal)
        .Take(rows)
        .Select(row => new[]
        {
            row.Vm.Port, row.Vm.Vsi ?? "-", row.Vm.Mac ?? "-", N(row.Vm.Vlan), R(row.RxFps), R(row.TxFps), R(row.RxBps), R(row.TxBps), R(row.Drops),
            N(row.Vm.Rx.Frames), N(row.Vm.Tx.Frames),
        });
        lines.AddRange(TextTable.Format([VmHeader, .. vms], "", VmNumbers));

        if (now.Flows is { Count: > 0 } flows)
        {
            Dictionary<(string, string, string, string, string, string, int), FlowInfo> lastFlows = (before?.Flows ?? []).ToDictionary(FlowKey);
            var flowRows = flows.Select(flow =>
            {
                FlowInfo? last = lastFlows.GetValueOrDefault(FlowKey(flow));
                return (Flow: flow, Fps: Rate(flow.Packets, last?.Packets), Bps: Rate(flow.Bytes, last?.Bytes) * 8);
            })
            .OrderByDescending(row => row.Fps).ThenByDescending(row => row.Flow.Packets)
            .Take(rows)
            .Select(row => new[]
            {
                row.Flow.Port, row.Flow.Source == "-" ? row.Flow.SourceMac : row.Flow.Source, row.Flow.Destination == "-" ? row.Flow.DestinationMac : row.Flow.Destination,
                row.Flow.Protocol, N(row.Flow.Vlan), R(row.Fps), R(row.Bps), N(row.Flow.Packets), row.Flow.Dropped ?? "-",
            });
            lines.Add("");
            lines.AddRange(TextTable.Format([FlowHeader, .. flowRows], "", FlowNumbers));
        }

        Dictionary<(string, string, string), long> lastDrops = before is null ? [] : Drops(before).ToDictionary(drop => (drop.Port, drop.Direction, drop.Reason), drop => drop.Frames);
        var drops = Drops(now)
            .Select(drop => (Drop: drop, PerSecond: Rate(drop.Frames, lastDrops.TryGetValue((drop.Port, drop.Direction, drop.Reason), out long last) ? last : (before is null ? null : 0))))
            .Where(row => row.Drop.Frames > 0)
            .OrderByDescending(row => row.PerSecond).ThenByDescending(row => row.Drop.Frames)
            .Take(rows)
            .Select(row => new[] { row.Drop.Port, row.Drop.Direction, row.Drop.Reason, R(row.PerSecond), N(row.Drop.Frames) });
        List<string[]> dropRows = [DropHeader, .. drops];
        if (dropRows.Count > 1)
        {
            lines.Add("");
            lines.AddRange(TextTable.Format(dropRows, "", DropNumbers));
        }
        return lines;

        double Rate(long value, long? last) => last is long earlier ? Math.Max(0, value - earlier) / interval : 0;
    }

    private static (string, string?, string?, int) Key(VmStats vm) => (vm.Port, vm.Vsi, vm.Mac, vm.Vlan);

    private static (string, string, string, string, string, string, int) FlowKey(FlowInfo flow) =>
        (flow.Port, flow.SourceMac, flow.DestinationMac, flow.Source, flow.Destination, flow.Protocol, flow.Vlan);

    private static IEnumerable<(string Port, string Direction, string Reason, long Frames)> Drops(BridgeStats stats) =>
        stats.Ports.SelectMany(port =>
            port.IngressDrops.Select(drop => (port.Name, "ingress", drop.Reason, drop.Frames))
                .Concat(port.EgressDrops.Select(drop => (port.Name, "egress", drop.Reason, drop.Frames))));

    private static string N(long value) => LinkPrinter.Number(value);

    private static string R(double value) => value.ToString(value >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture);
}
