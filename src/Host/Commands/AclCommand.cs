// `hairpin acl show [NAME]`: each ACL's rules in order with hit counters, then its load-time warnings.
using Hairpin.Host.Demo;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class AclCommand
{
    public const string Usage =
        """
          acl [show [NAME]]
        """;

    private static readonly string[] Header = ["RULE", "VERDICT", "FRAMES", "BYTES"];
    private static readonly int[] NumberColumns = [2, 3];

    public static void Run(Words words, CommandSession session)
    {
        string verb = words.AtEnd ? "show" : words.Take("verb");
        if (verb is not ("show" or "list"))
        {
            throw new UsageException($"unknown verb '{verb}' (show)");
        }
        string? name = words.AtEnd ? null : words.Take("ACL name");
        words.ExpectEnd();
        List<AclInfo> acls = session.Call<List<AclInfo>>(ManagementCommands.AclShow, new AclSelector(name));
        if (session.Json)
        {
            session.PrintJson(acls);
            return;
        }
        session.PrintLines(Lines(acls));
    }

    public static List<string> Lines(IReadOnlyList<AclInfo> acls)
    {
        var lines = new List<string>();
        foreach (AclInfo acl in acls)
        {
            if (lines.Count > 0)
            {
                lines.Add("");
            }
            lines.Add($"acl {acl.Name} (default {acl.DefaultVerdict})");
            List<string[]> rows = [Header];
            rows.AddRange(acl.Rules.Select(rule => new[] { rule.Name, rule.Verdict, LinkPrinter.Number(rule.Hits.Frames), LinkPrinter.Number(rule.Hits.Bytes) }));
            rows.Add(["(default)", acl.DefaultVerdict, LinkPrinter.Number(acl.DefaultHits.Frames), LinkPrinter.Number(acl.DefaultHits.Bytes)]);
            lines.AddRange(TextTable.Format(rows, "  ", NumberColumns));
            lines.AddRange(acl.Warnings.Select(warning => $"  warning: {warning}"));
        }
        return lines;
    }
}
