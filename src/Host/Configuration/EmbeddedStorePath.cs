// Where the embedded VSI store's file goes when `store:` names none: the state directory systemd gives
// the service, else /var/lib/hairpin for root, else the user's XDG state directory; named after the
// config file and a hash of its full path, so two appliances on one machine never share a file.
using System.Security.Cryptography;
using System.Text;

namespace Hairpin.Host.Configuration;

public static class EmbeddedStorePath
{
    public const string RootDirectory = "/var/lib/hairpin";

    public static string Default(string configFile) =>
        Default(configFile, Environment.GetEnvironmentVariable, Environment.IsPrivilegedProcess);

    /// <param name="environment">Reads an environment variable (tests pass their own).</param>
    /// <param name="privileged">Running as root.</param>
    public static string Default(string configFile, Func<string, string?> environment, bool privileged)
    {
        ArgumentNullException.ThrowIfNull(configFile);
        ArgumentNullException.ThrowIfNull(environment);
        return Path.Combine(Directory(environment, privileged), FileName(configFile));
    }

    /// <summary>"bridge-1a2b3c4d.vsi.json" for /etc/hairpin/bridge.yaml.</summary>
    public static string FileName(string configFile)
    {
        string fullPath = Path.GetFullPath(configFile);
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(fullPath));
        return $"{Path.GetFileNameWithoutExtension(fullPath)}-{Convert.ToHexStringLower(hash, 0, 4)}.vsi.json";
    }

    private static string Directory(Func<string, string?> environment, bool privileged)
    {
        // systemd's StateDirectory= may list several, separated by ':'; the first is the service's own.
        if (environment("STATE_DIRECTORY") is { Length: > 0 } systemd)
        {
            return systemd.Split(':')[0];
        }
        if (privileged)
        {
            return RootDirectory;
        }
        // XDG: a relative XDG_STATE_HOME is invalid and ignored.
        string stateHome = environment("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(stateHome, "hairpin");
    }
}
