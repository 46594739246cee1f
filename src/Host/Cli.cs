// Command-line dispatch: `hairpin demo`, `hairpin --help`. Exit codes as getopt-style tools use
// them: 0 success, 2 usage error.
using Hairpin.Host.Demo;

namespace Hairpin.Host;

internal static class Cli
{
    public const int Success = 0;
    public const int UsageError = 2;

    private const string Usage =
        """
        usage: hairpin <command>

        commands:
          demo      run a built-in forwarding scenario through the bridge engine
                    (hairpin off, then on, on a VEPA uplink) and print what each port receives
          --help    show this text

        """;

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
        if (args[0] == "demo")
        {
            if (args.Length > 1)
            {
                stderr.WriteLine($"hairpin demo: unexpected argument '{args[1]}' (the demo takes none)");
                return UsageError;
            }
            DemoScenario.Run(stdout);
            return Success;
        }
        stderr.WriteLine($"hairpin: unknown command '{args[0]}' (try 'hairpin --help')");
        return UsageError;
    }
}
