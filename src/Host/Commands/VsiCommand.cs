// `hairpin vsi show [dev NAME]`: every VM (VSI) the 802.1Qbg control plane knows, where it is, what
// type it was given, and its own counters; a refused or pending one says why.
using System.Globalization;
using Hairpin.Host.Demo;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class VsiCommand
{
    public const string Usage =
        """
          vsi [show [dev NAME]]
        """;

    private static readonly string[] Header =
        ["VSI", "FORMAT", "TYPE", "MANAGER", "FILTER", "PORT", "STATE", "AGE", "KEEPALIVE", "IN-FRAMES", "IN-BYTES", "OUT-FRAMES", "OUT-BYTES", "DROPS"];
    private static readonly int[] NumberColumns = [9, 10, 11, 12];

    public static void Run(Words words, CommandSession session)
    {
        string verb = words.AtEnd ? "show" : words.Take("verb");
        if (verb is not ("show" or "list"))
        {
            throw new UsageException($"unknown verb '{verb}' (show)");
        }
        string? port = words.TryTake("dev") ? words.ValueOf("dev") : null;
        words.ExpectEnd();
        List<VsiInfo> vsis = session.Call<List<VsiInfo>>(ManagementCommands.VsiShow, new PortSelector(port));
        if (session.Json)
        {
            session.PrintJson(vsis);
            return;
        }
        session.PrintLines(Table(vsis));
    }

    public static List<string> Table(IReadOnlyList<VsiInfo> vsis)
    {
        var rows = new List<string[]> { Header };
        var reasons = new List<string>();
        foreach (VsiInfo vsi in vsis)
        {
            rows.Add(
            [
                vsi.VsiId, vsi.Format, $"{vsi.TypeId}/{vsi.TypeVersion}", vsi.Manager ?? "-",
                string.Join(",", vsi.Filter.Select(entry => entry.Mac is null ? $"vid {entry.Vid}" : $"{entry.Mac}@{entry.Vid}")),
                vsi.Port, vsi.State, Seconds(vsi.Age), vsi.LastKeepAlive is double ago ? Seconds(ago) + " ago" : "-",
                LinkPrinter.Number(vsi.Counters.In.Frames), LinkPrinter.Number(vsi.Counters.In.Bytes),
                LinkPrinter.Number(vsi.Counters.Out.Frames), LinkPrinter.Number(vsi.Counters.Out.Bytes),
                vsi.Counters.Drops.Count == 0 ? "-" : string.Join(",", vsi.Counters.Drops.Select(drop => $"{drop.Key}={drop.Value}")),
            ]);
            if (vsi.Reason is string reason)
            {
                reasons.Add($"{vsi.VsiId}: {reason}");
            }
        }
        List<string> lines = TextTable.Format(rows, "", NumberColumns);
        lines.AddRange(reasons);
        return lines;
    }

    private static string Seconds(double value) => value.ToString("0", CultureInfo.InvariantCulture) + "s";
}
