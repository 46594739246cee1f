// Command-line dispatch: `hairpin <command> ...` looked up in one table of handlers. Exit codes as
// getopt-style tools use them: 0 success, 2 usage error; the commands that talk to a running bridge
// add 1 (the server refused) and 3 (the management socket cannot be reached), see Commands/ExitCodes.
using System.Text;
using Hairpin.Host.Commands;
using Hairpin.Host.Demo;

namespace Hairpin.Host;

public static class Cli
{
    public const int Success = 0;
    public const int UsageError = 2;

    /// <summary>Runs one command with the words after its name.</summary>
    private delegate int Handler(string[] args, TextWriter stdout, TextWriter stderr);

    /// <param name="Synopsis">Its lines in the usage text, indented two spaces.</param>
    private sealed record Command(string Name, string Synopsis, Handler Run);

    // Add a command here: the usage text and the dispatch both come from this table.
    private static readonly Command[] Commands =
    [
        new("demo",
            """
              demo [--in-process]
                        show hairpin off, hairpin on (live, by the CLI), a VM isolation policy on a
                        VEPA uplink, a VM moving to another port and MVRP carrying its VLAN upstream.
                        As root: a lab of network namespaces (two VMs behind the dumb vswitch, a
                        host on a second port, a second hypervisor, an aggregation appliance)
                        pinging through the real appliances, removed at the end; otherwise, or with
                        --in-process: the same control planes and frames built in memory through
                        the bridge engine
            """,
            RunDemo),
        new("bridge", Appliance.BridgeCommand.Usage, Appliance.BridgeCommand.Run),
        Managed("link", LinkCommand.Usage, LinkCommand.Run),
        Managed("fdb", FdbCommand.Usage, FdbCommand.Run),
        Managed("stats", StatsCommand.Usage, StatsCommand.Run),
        Managed("acl", AclCommand.Usage, AclCommand.Run),
        Managed("config", ConfigCommand.Usage, ConfigCommand.Run),
        Managed("trace", TraceCommand.Usage, TraceCommand.Run),
        Managed("capture", CaptureCommand.Usage, CaptureCommand.Run),
        Managed("top", TopCommand.Usage, TopCommand.Run),
        Managed("lldp", LldpCommand.Usage, LldpCommand.Run),
        Managed("vsi", VsiCommand.Usage, VsiCommand.Run),
        Managed("mvrp", MvrpCommand.Usage, MvrpCommand.Run),
        Managed("monitor", MonitorCommand.Usage, MonitorCommand.Run),
    ];

    private static string Usage { get; } = BuildUsage();

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            stdout.Write(Usage);
            return Success;
        }
        // Global options may come first, as in `ip -j link show`: find the command word after them.
        int index = CommandIndex(args);
        Command? command = index < 0 ? null : Array.Find(Commands, candidate => candidate.Name == args[index]);
        if (command is null)
        {
            stderr.WriteLine(index < 0
                ? "hairpin: no command given (try 'hairpin --help')"
                : $"hairpin: unknown command '{args[index]}' (try 'hairpin --help')");
            return UsageError;
        }
        return command.Run([.. args[..index], .. args[(index + 1)..]], stdout, stderr);
    }

    private static int CommandIndex(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--socket")
            {
                i++;   // its value
            }
            else if (!args[i].StartsWith('-'))
            {
                return i;
            }
        }
        return -1;
    }

    private static Command Managed(string name, string synopsis, ManagementCommand.Body body) =>
        new(name, synopsis, (args, stdout, stderr) => ManagementCommand.Run(name, args, stdout, stderr, body));

    private static int RunDemo(string[] args, TextWriter stdout, TextWriter stderr)
    {
        bool inProcess = args is ["--in-process"];
        if (args.Length > (inProcess ? 1 : 0))
        {
            stderr.WriteLine($"hairpin demo: unexpected argument '{args[^1]}' (usage: hairpin demo [--in-process])");
            return UsageError;
        }
        if (!Environment.IsPrivilegedProcess)
        {
            stdout.WriteLine("not root: running in-process endpoints instead of network namespaces");
        }
        else if (!inProcess)
        {
            return RootDemo.Run(stdout, stderr);
        }
        DemoScenario.Run(stdout);
        return Success;
    }

    private static string BuildUsage()
    {
        var text = new StringBuilder();
        text.Append("usage: hairpin <command> [ARGS...] [--json] [--socket PATH]\n\ncommands:\n");
        foreach (Command command in Commands)
        {
            text.Append(command.Synopsis.ReplaceLineEndings("\n")).Append('\n');
        }
        text.Append("  --help    show this text\n\n");
        text.Append("Commands other than demo talk to a running bridge over its management socket\n");
        text.Append($"(--socket PATH, else ${CommandOptions.SocketVariable}, else {Configuration.ManagementConfig.DefaultSocket}).\n");
        text.Append("Exit codes: 0 ok, 1 the bridge refused, 2 usage error, 3 socket unreachable.\n");
        return text.ToString();
    }
}
