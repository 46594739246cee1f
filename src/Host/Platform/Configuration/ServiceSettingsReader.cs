// The `management:` and `metrics:` sections, the same in the bridge's and the dumb vswitch's files.
using Hairpin.Host.Configuration.Yaml;
using Hairpin.Host.Management;

namespace Hairpin.Host.Configuration;

public static class ServiceSettingsReader
{
    public static ManagementConfig Management(YamlMap? map, ManagementConfig defaults)
    {
        if (map is null)
        {
            return defaults;
        }
        ManagementConfig management = defaults with
        {
            Socket = map.Object("socket", AbsolutePath) ?? defaults.Socket,
            Group = map.Object("group", ExistingGroup) ?? defaults.Group,
        };
        map.RejectUnknownKeys();
        return management;
    }

    public static MetricsConfig Metrics(YamlMap? map)
    {
        var defaults = new MetricsConfig();
        if (map is null)
        {
            return defaults;
        }
        MetricsConfig metrics = defaults with { Prometheus = map.Object("prometheus", ConfigScalars.Endpoint) ?? defaults.Prometheus };
        map.RejectUnknownKeys();
        return metrics;
    }

    // Checked here, not when the socket is made: the error then points at this line, and comes before
    // anything starts forwarding (issue 8: the example file exited 1 after saying it was forwarding).
    private static string ExistingGroup(string text) =>
        UnixSocketAccess.GroupExists(ConfigScalars.Name(text))
            ? text
            : throw new FormatException($"group '{text}' does not exist on this machine (create it with 'groupadd {text}', or leave management.group out: root only)");

    // A relative socket path would depend on the directory the daemon was started from.
    private static string AbsolutePath(string text) =>
        text.StartsWith('/') ? text : throw new FormatException($"'{text}' must be an absolute path (e.g. /run/hairpin/bridge.sock)");
}
