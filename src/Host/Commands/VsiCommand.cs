// `hairpin vsi show [dev NAME]`: every VM (VSI) the 802.1Qbg control plane knows, where it is (the
// appliance too, when the bridge keeps a VSI store), what type it was given, and its own counters; a
// refused or pending one says why. `hairpin vsi history ID`: where the VSI has been, as the store
// recorded each move. `hairpin vsi type ...`: VsiTypeCommand.
using System.Globalization;
using Hairpin.Host.Demo;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class VsiCommand
{
    public const string Usage =
        """
          vsi [show [dev NAME]]
          vsi history VSIID
          vsi type [show]
          vsi type set ID VERSION vlan VID [acl NAME] [meter NAME] [max_macs N] [managers ID,...]
          vsi type del ID VERSION
        """;

    private static readonly string[] Header =
        ["VSI", "FORMAT", "TYPE", "MANAGER", "FILTER", "PORT", "STATE", "AGE", "KEEPALIVE", "IN-FRAMES", "IN-BYTES", "OUT-FRAMES", "OUT-BYTES", "DROPS"];
    private static readonly int[] NumberColumns = [9, 10, 11, 12];
    private static readonly string[] HistoryHeader = ["TIME", "FROM", "TO", "REQUEST"];

    public static void Run(Words words, CommandSession session)
    {
        string verb = words.AtEnd ? "show" : words.Take("verb");
        if (verb == "history")
        {
            History(words, session);
            return;
        }
        if (verb == "type")
        {
            VsiTypeCommand.Run(words, session);
            return;
        }
        if (verb is not ("show" or "list"))
        {
            throw new UsageException($"unknown verb '{verb}' (show, history, type)");
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

    private static void History(Words words, CommandSession session)
    {
        string vsiId = words.Take("VSIID");
        words.ExpectEnd();
        List<VsiMoveInfo> moves = session.Call<List<VsiMoveInfo>>(ManagementCommands.VsiHistory, new VsiSelector(vsiId));
        if (session.Json)
        {
            session.PrintJson(moves);
            return;
        }
        session.PrintLines(moves.Count == 0 ? [$"no moves recorded for VSI {vsiId}"] : HistoryTable(moves));
    }

    /// <summary>One row per move, oldest first; times in UTC to the second.</summary>
    public static List<string> HistoryTable(IReadOnlyList<VsiMoveInfo> moves)
    {
        var rows = new List<string[]> { HistoryHeader };
        rows.AddRange(moves.Select(move => new[]
        {
            move.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture), move.From ?? "-", move.To, move.Request,
        }));
        return TextTable.Format(rows, "");
    }

    public static List<string> Table(IReadOnlyList<VsiInfo> vsis)
    {
        // The appliance column appears only where a store names one (the dumb vswitch has none).
        bool appliances = vsis.Any(vsi => vsi.Appliance is not null);
        var rows = new List<string[]> { appliances ? [.. Header[..5], "APPLIANCE", .. Header[5..]] : Header };
        var reasons = new List<string>();
        foreach (VsiInfo vsi in vsis)
        {
            string[] where = appliances ? [vsi.Appliance ?? "-", vsi.Port] : [vsi.Port];
            rows.Add(
            [
                vsi.VsiId, vsi.Format, $"{vsi.TypeId}/{vsi.TypeVersion}", vsi.Manager ?? "-",
                string.Join(",", vsi.Filter.Select(entry => entry.Mac is null ? $"vid {entry.Vid}" : $"{entry.Mac}@{entry.Vid}")),
                .. where, vsi.State, Seconds(vsi.Age), vsi.LastKeepAlive is double ago ? Seconds(ago) + " ago" : "-",
                LinkPrinter.Number(vsi.Counters.In.Frames), LinkPrinter.Number(vsi.Counters.In.Bytes),
                LinkPrinter.Number(vsi.Counters.Out.Frames), LinkPrinter.Number(vsi.Counters.Out.Bytes),
                vsi.Counters.Drops.Count == 0 ? "-" : string.Join(",", vsi.Counters.Drops.Select(drop => $"{drop.Key}={drop.Value}")),
            ]);
            if (vsi.Reason is string reason)
            {
                reasons.Add($"{vsi.VsiId}: {reason}");
            }
        }
        List<string> lines = TextTable.Format(rows, "", appliances ? [.. NumberColumns.Select(column => column + 1)] : NumberColumns);
        lines.AddRange(reasons);
        return lines;
    }

    private static string Seconds(double value) => value.ToString("0", CultureInfo.InvariantCulture) + "s";
}
