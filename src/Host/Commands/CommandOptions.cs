// Options every management command takes, wherever they appear on the line (as `ip -j` before the
// object, or `--json` at the end as the issue writes it): --json/-j and --socket PATH.
namespace Hairpin.Host.Commands;

internal sealed record CommandOptions(bool Json, string SocketPath)
{
    public const string SocketVariable = "HAIRPIN_SOCKET";

    /// <summary>Takes the global options out of <paramref name="args"/>; what is left are the command's words.</summary>
    public static (CommandOptions Options, List<string> Words) Parse(IEnumerable<string> args, string? socketFromEnvironment)
    {
        bool json = false;
        string? socket = null;
        var words = new List<string>();
        using IEnumerator<string> arg = args.GetEnumerator();
        while (arg.MoveNext())
        {
            switch (arg.Current)
            {
                case "--json" or "-j":
                    json = true;
                    break;
                case "--socket":
                    socket = arg.MoveNext() && arg.Current.Length > 0 ? arg.Current : throw new UsageException("--socket needs a path");
                    break;
                case string option when option.StartsWith("--socket=", StringComparison.Ordinal):
                    socket = option["--socket=".Length..];
                    if (socket.Length == 0)
                    {
                        throw new UsageException("--socket needs a path");
                    }
                    break;
                default:
                    words.Add(arg.Current);
                    break;
            }
        }
        string path = socket
            ?? (string.IsNullOrEmpty(socketFromEnvironment) ? Configuration.ManagementConfig.DefaultSocket : socketFromEnvironment);
        return (new CommandOptions(json, path), words);
    }
}
