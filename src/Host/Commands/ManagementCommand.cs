// Runs one command that talks to a running bridge and maps how it ended to an exit code and at most
// one error line on stderr ("hairpin link set: cannot find device "vm9"").
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class ManagementCommand
{
    /// <summary>The body of a command: read <see cref="Words"/>, call the server, print.</summary>
    public delegate void Body(Words words, CommandSession session);

    public static int Run(string name, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, Body body)
    {
        try
        {
            (CommandOptions options, List<string> words) =
                CommandOptions.Parse(args, Environment.GetEnvironmentVariable(CommandOptions.SocketVariable));
            body(new Words(words), new CommandSession(options, stdout));
            return ExitCodes.Success;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"hairpin {name}: {e.Message} (try 'hairpin --help')");
            return ExitCodes.UsageError;
        }
        catch (ServerErrorException e)
        {
            stderr.WriteLine($"hairpin {name}: {e.Message}");
            foreach (string detail in e.Details)
            {
                stderr.WriteLine($"  {detail}");
            }
            return ExitCodes.OperationFailed;
        }
        catch (ManagementUnreachableException e)
        {
            stderr.WriteLine($"hairpin {name}: {e.Message}");
            return ExitCodes.Unreachable;
        }
    }
}
