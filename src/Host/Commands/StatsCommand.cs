// `hairpin stats [dev NAME]`: traffic, drops by reason (ingress and egress), queue tail drops, and
// policer colors, so an operator can always say where a frame went.
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class StatsCommand
{
    public const string Usage =
        """
          stats [dev NAME]
        """;

    public static void Run(Words words, CommandSession session)
    {
        string? port = null;
        if (words.TryTake("dev"))
        {
            port = words.ValueOf("dev");
        }
        words.ExpectEnd();
        BridgeStats stats = session.Call<BridgeStats>(ManagementCommands.Stats, new PortSelector(port));
        if (session.Json)
        {
            session.PrintJson(stats);
            return;
        }
        session.PrintLines(StatsPrinter.Tables(stats));
    }
}
