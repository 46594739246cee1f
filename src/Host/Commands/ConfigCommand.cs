// `hairpin config reload`: the server rereads its config file and either publishes it or keeps the
// running one and answers with every file:line error (printed one per line after the message).
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class ConfigCommand
{
    public const string Usage =
        """
          config reload
        """;

    public static void Run(Words words, CommandSession session)
    {
        string verb = words.Take("verb (reload)");
        if (verb != "reload")
        {
            throw new UsageException($"unknown verb '{verb}' (reload)");
        }
        words.ExpectEnd();
        ReloadResult result = session.Call<ReloadResult>(ManagementCommands.ConfigReload);
        if (session.Json)
        {
            session.PrintJson(result);
            return;
        }
        session.Out.WriteLine($"reloaded {result.SourceFile}");
        session.PrintLines(result.Notes.Select(note => $"  {note}"));
    }
}
