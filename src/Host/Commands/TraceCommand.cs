// `hairpin trace dev NAME FRAME-SPEC...`: the words after the port go to the server untouched (the
// tracer owns their grammar); the answer is the frame's path, stage by stage, and where it ended.
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class TraceCommand
{
    public const string Usage =
        """
          trace dev NAME FRAME-SPEC...
        """;

    public static void Run(Words words, CommandSession session)
    {
        if (!words.TryTake("dev"))
        {
            throw new UsageException("trace needs 'dev NAME' and a frame description");
        }
        string port = words.ValueOf("dev");
        List<string> spec = words.Rest();
        if (spec.Count == 0)
        {
            throw new UsageException("trace needs a frame description after 'dev NAME'");
        }
        TraceResult result = session.Call<TraceResult>(ManagementCommands.Trace, new TraceArgs(port, spec));
        if (session.Json)
        {
            session.PrintJson(result);
            return;
        }
        session.PrintLines(Lines(result));
    }

    public static List<string> Lines(TraceResult result)
    {
        var lines = result.Stages.Select(stage => $"  {stage}").ToList();
        if (result.MatchedRule is { } rule)
        {
            lines.Add($"acl rule: {rule}");
        }
        lines.Add(result.DropReason is { } reason
            ? $"dropped: {reason}"
            : result.EgressPorts.Count == 0 ? "delivered nowhere" : $"egress: {string.Join(' ', result.EgressPorts)}");
        return lines;
    }
}
