// `hairpin monitor show [NAME]`, `monitor add NAME ...`, `monitor del NAME`: mirroring sessions as
// NX-OS's `monitor session` has them, with each session's counters (mirrored, lost by reason). A
// session added here runs until restart; sessions in the file come back on reload.
using System.Globalization;
using Hairpin.Host.Configuration;
using Hairpin.Host.Demo;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class MonitorCommand
{
    public const string Usage =
        """
          monitor [show [NAME]]
          monitor add NAME [source dev PORT|vsi VSIID [rx|tx|both]]...
                      destination dev PORT [rspan-vlan VID | erspan 2|3 id ID dst IP src IP mac MAC [ttl N] [dscp N] [mtu N]]
                    | destination file PATH [size BYTES] [count N] [snap BYTES]
          monitor del NAME
        """;

    private static readonly string[] Header = ["SESSION", "ORIGIN", "SOURCES", "DESTINATION", "MIRRORED", "BYTES", "DROPPED"];
    private static readonly int[] NumberColumns = [4, 5];

    public static void Run(Words words, CommandSession session)
    {
        string verb = words.AtEnd ? "show" : words.Take("verb");
        switch (verb)
        {
            case "show" or "list":
            {
                string? name = words.AtEnd ? null : words.Take("session name");
                words.ExpectEnd();
                List<MonitorSessionInfo> sessions = session.Call<List<MonitorSessionInfo>>(ManagementCommands.MonitorShow, new MonitorSelector(name));
                if (session.Json)
                {
                    session.PrintJson(sessions);
                    return;
                }
                session.PrintLines(Lines(sessions));
                return;
            }
            case "add":
            {
                MonitorSessionConfig config = Parse(words);
                MonitorSessionInfo added = session.Call<MonitorSessionInfo>(ManagementCommands.MonitorAdd, config);
                if (session.Json)
                {
                    session.PrintJson(added);
                    return;
                }
                session.PrintLines(Lines([added]));
                return;
            }
            case "del" or "delete":
            {
                string name = words.Take("session name");
                words.ExpectEnd();
                session.Call<Done>(ManagementCommands.MonitorDel, new MonitorSelector(name));
                return;
            }
            default:
                throw new UsageException($"unknown verb '{verb}' (show, add, del)");
        }
    }

    /// <summary>`NAME source ... destination ...` into the session the server checks and starts.</summary>
    public static MonitorSessionConfig Parse(Words words)
    {
        string name = words.Take("session name");
        var sources = new List<MonitorSourceConfig>();
        while (words.TryTake("source"))
        {
            MonitorSourceConfig source = words.Peek switch
            {
                "dev" => new MonitorSourceConfig(Port: ValueAfter(words, "dev")),
                "vsi" => new MonitorSourceConfig(Vsi: ValueAfter(words, "vsi")),
                _ => throw new UsageException("source: 'dev PORT' or 'vsi VSIID'"),
            };
            if (words.Peek is "rx" or "tx" or "both")
            {
                source = source with { Direction = MonitorWords.Direction(words.Take("direction")) };
            }
            sources.Add(source);
        }
        if (!words.TryTake("destination"))
        {
            throw new UsageException(words.AtEnd ? "destination is missing" : $"unexpected argument '{words.Peek}' (rx, tx or both after a source; then source or destination)");
        }
        MonitorDestinationConfig destination = words.Peek switch
        {
            "dev" => PortDestination(words, ValueAfter(words, "dev")),
            "file" => FileDestination(words, ValueAfter(words, "file")),
            _ => throw new UsageException("destination: 'dev PORT' or 'file PATH'"),
        };
        words.ExpectEnd();
        return new MonitorSessionConfig(name, sources, destination);
    }

    private static MonitorDestinationConfig PortDestination(Words words, string port)
    {
        if (words.TryTake("rspan-vlan"))
        {
            return new MonitorDestinationConfig { Port = port, RspanVlan = Words.Vid(words.ValueOf("rspan-vlan")) };
        }
        if (!words.TryTake("erspan"))
        {
            return new MonitorDestinationConfig { Port = port };
        }
        int type = Parsed(() => MonitorWords.ErspanType(words.ValueOf("erspan")));
        int? id = null;
        string? destinationIp = null;
        string? originIp = null;
        string? mac = null;
        int ttl = 64;
        int dscp = 0;
        int mtu = 1500;
        while (!words.AtEnd)
        {
            string keyword = words.Take("erspan setting");
            string value = words.ValueOf(keyword);
            switch (keyword)
            {
                case "id":
                    id = Words.Number(keyword, value, 0, 1023);
                    break;
                case "dst":
                    destinationIp = Parsed(() => MonitorWords.Ipv4(value));
                    break;
                case "src":
                    originIp = Parsed(() => MonitorWords.Ipv4(value));
                    break;
                case "mac":
                    mac = Words.Mac(value);
                    break;
                case "ttl":
                    ttl = Words.Number(keyword, value, 1, 255);
                    break;
                case "dscp":
                    dscp = Words.Number(keyword, value, 0, 63);
                    break;
                case "mtu":
                    mtu = Words.Number(keyword, value, 148, 9216);
                    break;
                default:
                    throw new UsageException($"unknown erspan setting '{keyword}' (id, dst, src, mac, ttl, dscp, mtu)");
            }
        }
        if (id is null || destinationIp is null || originIp is null || mac is null)
        {
            throw new UsageException("erspan needs id, dst, src and mac");
        }
        return new MonitorDestinationConfig
        {
            Port = port,
            Erspan = new ErspanConfig(type, id.Value, destinationIp, originIp, mac) { Ttl = ttl, Dscp = dscp, Mtu = mtu },
        };
    }

    private static MonitorDestinationConfig FileDestination(Words words, string path)
    {
        var destination = new MonitorDestinationConfig { File = path };
        while (!words.AtEnd)
        {
            string keyword = words.Take("file setting");
            string value = words.ValueOf(keyword);
            destination = keyword switch
            {
                "size" => destination with { FileSize = Parsed(() => Configuration.Yaml.ConfigScalars.ByteSize(value)) },
                "count" => destination with { FileCount = Words.Number(keyword, value, 1, 10_000) },
                "snap" => destination with { SnapLength = Words.Number(keyword, value, 64, 65_535) },
                _ => throw new UsageException($"unknown file setting '{keyword}' (size, count, snap)"),
            };
        }
        return destination;
    }

    private static string ValueAfter(Words words, string keyword)
    {
        words.Take(keyword);
        return words.ValueOf(keyword);
    }

    private static T Parsed<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException error)
        {
            throw new UsageException(error.Message);
        }
    }

    public static List<string> Lines(IReadOnlyList<MonitorSessionInfo> sessions)
    {
        List<string[]> rows = [Header];
        rows.AddRange(sessions.Select(info => new[]
        {
            info.Name,
            info.Origin,
            info.Sources.Count == 0 ? "(acl rules)" : string.Join(", ", info.Sources.Select(Describe)),
            info.Destination.Describe(),
            LinkPrinter.Number(info.Mirrored),
            LinkPrinter.Number(info.MirroredBytes),
            info.Dropped.Count == 0 ? "0" : string.Join(", ", info.Dropped.Select(drop => $"{drop.Reason} {LinkPrinter.Number(drop.Frames)}")),
        }));
        List<string> lines = [.. TextTable.Format(rows, "", NumberColumns)];
        foreach (MonitorSessionInfo info in sessions)
        {
            lines.AddRange(info.Notes.Select(note => $"  {info.Name}: {note}"));
        }
        return lines;
    }

    private static string Describe(MonitorSourceConfig source) =>
        $"{(source.Port is not null ? source.Port : $"vsi {source.Vsi}")} {source.Direction.ToString().ToLowerInvariant()}";
}
