// `link set --save`'s file side for a running bridge: the port's flags rewritten into its config file
// (PortFlagWriter) and staged beside it, to be renamed into place only once the engine has taken the
// change (BridgeRuntime.ChangePort), so the port and the file change together or not at all.
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Runtime;

public static class PortSave
{
    /// <summary>Readies the save of port <paramref name="port"/> as <paramref name="next"/> will run it.</summary>
    /// <exception cref="ConfigException">The file does not load as it stands (its errors, located) or lacks the port.</exception>
    /// <exception cref="IOException">The file cannot be read or the new text cannot be staged.</exception>
    public static PreparedChange Prepare(HostConfig next, string port)
    {
        ArgumentNullException.ThrowIfNull(next);
        string file = next.SourceFile;
        string text = File.ReadAllText(file);
        string? rewritten = PortFlagWriter.Rewrite(text, file, port, next.Bridge.Ports[next.Bridge.IndexOf(port)]);
        if (rewritten is null)
        {
            return PreparedChange.None;
        }
        StagedFileWrite staged = StagedFileWrite.Stage(file, rewritten);
        return new PreparedChange(staged.Commit, staged.Abandon);
    }
}
