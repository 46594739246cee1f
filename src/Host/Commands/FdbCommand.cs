// `hairpin fdb show [dev NAME] [vlan VID]` and `hairpin fdb add|del MAC dev NAME [vlan VID] [static|sticky]`,
// printed one entry per line as `bridge fdb show` does, so existing grep and awk habits work.
using System.Globalization;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class FdbCommand
{
    public const string Usage =
        """
          fdb [show [dev NAME] [vlan VID]]
          fdb add MAC dev NAME [vlan VID] [static|sticky]
          fdb del MAC dev NAME [vlan VID]
        """;

    public static void Run(Words words, CommandSession session)
    {
        string verb = words.AtEnd ? "show" : words.Take("verb");
        switch (verb)
        {
            case "show" or "list":
                Show(words, session);
                break;
            case "add":
                Change(ManagementCommands.FdbAdd, words, session, allowKind: true);
                break;
            case "del" or "delete":
                Change(ManagementCommands.FdbDel, words, session, allowKind: false);
                break;
            default:
                throw new UsageException($"unknown verb '{verb}' (show, add, del)");
        }
    }

    private static void Show(Words words, CommandSession session)
    {
        string? port = null;
        int? vid = null;
        while (!words.AtEnd)
        {
            string keyword = words.Take("filter");
            switch (keyword)
            {
                case "dev":
                    port = words.ValueOf(keyword);
                    break;
                case "vlan":
                    vid = Words.Vid(words.ValueOf(keyword));
                    break;
                default:
                    throw new UsageException($"unknown filter '{keyword}' (dev, vlan)");
            }
        }
        List<FdbEntryInfo> entries = session.Call<List<FdbEntryInfo>>(ManagementCommands.FdbShow, new FdbFilter(port, vid));
        if (session.Json)
        {
            session.PrintJson(entries);
            return;
        }
        session.PrintLines(entries.Select(Line));
    }

    /// <summary>`52:54:00:00:00:01 dev vm1 vlan 10 learned age 12s`; static entries never age, so they show none.</summary>
    public static string Line(FdbEntryInfo entry)
    {
        string line = $"{entry.Mac} dev {entry.Port} vlan {entry.Vid.ToString(CultureInfo.InvariantCulture)} {Names.Of(entry.Kind)}";
        return entry.Kind == FdbKind.Static ? line : $"{line} age {entry.AgeSeconds.ToString(CultureInfo.InvariantCulture)}s";
    }

    private static void Change(string command, Words words, CommandSession session, bool allowKind)
    {
        string mac = Words.Mac(words.Take("MAC address"));
        string? port = null;
        int? vid = null;
        FdbKind kind = FdbKind.Static;
        while (!words.AtEnd)
        {
            string keyword = words.Take("option");
            switch (keyword)
            {
                case "dev":
                    port = words.ValueOf(keyword);
                    break;
                case "vlan":
                    vid = Words.Vid(words.ValueOf(keyword));
                    break;
                case "master":
                    break;   // iproute2 needs it to reach the bridge's table; ours is the only table
                case "static" or "permanent" when allowKind:
                    kind = FdbKind.Static;
                    break;
                case "sticky" when allowKind:
                    kind = FdbKind.Sticky;
                    break;
                default:
                    throw new UsageException($"unknown option '{keyword}' ({(allowKind ? "dev, vlan, static, sticky" : "dev, vlan")})");
            }
        }
        if (port is null)
        {
            throw new UsageException("needs 'dev NAME'");
        }
        Done done = session.Call<Done>(command, new FdbEntryChange(mac, port, vid, kind));
        if (session.Json)
        {
            session.PrintJson(done);
        }
    }
}
