// `hairpin mvrp show [dev NAME]`: what MVRP (802.1Q clause 11) holds on each port that runs it, in the
// manner of NX-OS `show mvrp interface` and Junos `show mvrp`: a summary block per port (registrar,
// declared and registered VIDs as ranges, counters, timers), then its attributes' state machines.
using System.Globalization;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Demo;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class MvrpCommand
{
    public const string Usage =
        """
          mvrp [show [dev NAME]]
        """;

    private static readonly string[] AttributeHeader = ["VID", "APPLICANT", "REGISTRAR", "LEAVE-TIMER"];
    private static readonly int[] AttributeNumberColumns = [0, 3];

    public static void Run(Words words, CommandSession session)
    {
        string verb = words.AtEnd ? "show" : words.Take("verb");
        if (verb is not ("show" or "list"))
        {
            throw new UsageException($"unknown verb '{verb}' (show)");
        }
        string? port = words.TryTake("dev") ? words.ValueOf("dev") : null;
        words.ExpectEnd();
        List<MvrpPortInfo> ports = session.Call<List<MvrpPortInfo>>(ManagementCommands.MvrpShow, new PortSelector(port));
        if (session.Json)
        {
            session.PrintJson(ports);
            return;
        }
        session.PrintLines(Lines(ports, port));
    }

    /// <summary>A block per port, a blank line between; one line saying so when no port (or not <paramref name="port"/>) runs MVRP.</summary>
    public static List<string> Lines(IReadOnlyList<MvrpPortInfo> ports, string? port = null)
    {
        if (ports.Count == 0)
        {
            return [port is null ? "no port runs MVRP" : $"port {port} does not run MVRP"];
        }
        var lines = new List<string>();
        foreach (MvrpPortInfo info in ports)
        {
            if (lines.Count > 0)
            {
                lines.Add("");
            }
            lines.AddRange(Block(info));
        }
        return lines;
    }

    private static List<string> Block(MvrpPortInfo port)
    {
        MvrpCountersInfo counters = port.Counters;
        MvrpTimersInfo timers = port.Timers;
        string registered = Vids(port.Registered);
        if (port.Dynamic.Count > 0)
        {
            registered += $" (dynamic {Vids(port.Dynamic)})";
        }
        // Label and value as two columns, so the values line up however long the labels grow.
        List<string[]> summary =
        [
            ["declared", Vids(port.Declared)],
            ["registered", registered],
            ["pdus", $"in {Number(counters.PdusReceived)}  out {Number(counters.PdusSent)}  malformed {Malformed(counters.Malformed)}"],
            ["leaveall", $"in {Number(counters.LeaveAllReceived)}  out {Number(counters.LeaveAllSent)}"],
        ];
        if (counters.EventsReceived.Count > 0 || counters.EventsSent.Count > 0)
        {
            summary.Add(["events in", Counts(counters.EventsReceived)]);
            summary.Add(["events out", Counts(counters.EventsSent)]);
        }
        summary.Add(["refused", $"{Number(counters.RegistrationsRefused)} registrations (max-vids reached)"]);
        summary.Add(["ignored", $"{Number(counters.DeclarationsIgnored)} declarations (fixed or forbidden registrar)"]);
        summary.Add(["flushed", $"{Number(counters.EntriesFlushed)} learned entries in {Number(counters.VlanFlushes)} VLAN flushes (a New: the topology changed)"]);
        summary.Add(["timers", $"join {Milliseconds(timers.JoinMs)}  leave {Milliseconds(timers.LeaveMs)}  leaveall {Milliseconds(timers.LeaveAllMs)}  periodic {Milliseconds(timers.PeriodicMs)}"]);
        summary.Add(["next", $"transmit {Seconds(timers.NextTransmit)}  leaveall {Seconds(timers.NextLeaveAll)}"]);

        var lines = new List<string> { $"{port.Port}: registrar {port.Registrar}, max-vids {Number(port.MaxVids)}" };
        lines.AddRange(TextTable.Format(summary, "  "));
        if (port.Attributes.Count > 0)
        {
            var rows = new List<string[]> { AttributeHeader };
            rows.AddRange(port.Attributes.Select(attribute => new[]
            {
                Number(attribute.Vid), attribute.Applicant, attribute.Registrar, Seconds(attribute.LeaveTimer),
            }));
            lines.AddRange(TextTable.Format(rows, "  ", AttributeNumberColumns));
        }
        return lines;
    }

    /// <summary>"1,10-12" as VlanSet prints it; "-" for none.</summary>
    private static string Vids(IReadOnlyList<int> vids) =>
        vids.Count == 0 ? "-" : new VlanSet(vids.Where(vid => vid is >= VlanSet.MinVid and <= VlanSet.MaxVid)).ToString();

    /// <summary>The sum, then each reason's count when there is any: "3 (bad-event 1, truncated 2)".</summary>
    private static string Malformed(IReadOnlyDictionary<string, long> reasons)
    {
        long total = reasons.Values.Sum();
        return total == 0 ? "0" : $"{Number(total)} ({Counts(reasons)})";
    }

    /// <summary>"joinin 5, lv 1" in the server's order, zero counts left out; "-" when all are zero.</summary>
    private static string Counts(IReadOnlyDictionary<string, long> counts)
    {
        string text = string.Join(", ", counts.Where(count => count.Value != 0).Select(count => $"{count.Key} {Number(count.Value)}"));
        return text.Length == 0 ? "-" : text;
    }

    private static string Number(long value) => LinkPrinter.Number(value);

    private static string Milliseconds(double value) => value.ToString("0.###", CultureInfo.InvariantCulture) + "ms";

    private static string Seconds(double? value) => value is double seconds ? seconds.ToString("0.0#", CultureInfo.InvariantCulture) + "s" : "-";
}
