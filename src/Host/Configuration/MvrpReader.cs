// The MVRP keys of the file: a port's `mvrp: true` or `mvrp: { registrar: normal|fixed|forbidden,
// max_vids: N }`, and the bridge's `mvrp: { join_time, leave_time, leaveall_time, periodic_time,
// declare_static }` (802.1Q's timer names; `periodic_time: 0` turns periodic transmission off).
using Hairpin.Bridge.Core.Mrp;
using Hairpin.Host.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

internal static class MvrpReader
{
    /// <summary>A port's `mvrp:`; null when it is off or wrong (then the diagnostics say why).</summary>
    public static MvrpPortConfig? ReadPort(YamlNode node, string port, string what, ConfigDiagnostics diagnostics)
    {
        if (node is YamlScalarNode)
        {
            return YamlMap.TryParse(node, "mvrp", ConfigScalars.Bool, diagnostics, out bool on) && on ? new MvrpPortConfig(port) : null;
        }
        if (YamlMap.Open(node, $"mvrp of {what}", diagnostics) is not YamlMap map)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        var config = new MvrpPortConfig(port,
            map.Value("registrar", ParseRegistrar) ?? RegistrarMode.Normal,
            map.Int("max_vids", 0, 4094) ?? MvrpPortConfig.DefaultMaxVids);
        map.RejectUnknownKeys();
        return diagnostics.Count == errorsBefore ? config : null;
    }

    /// <summary>The bridge's `mvrp:` over the ports that run it; null when none does.</summary>
    public static MvrpConfig? Read(YamlMap? map, IReadOnlyList<MvrpPortConfig> ports, ConfigDiagnostics diagnostics)
    {
        if (map is null)
        {
            return ports.Count == 0 ? null : new MvrpConfig { Ports = ports };
        }
        MrpTimers defaults = MrpTimers.Default;
        var timers = new MrpTimers
        {
            Join = map.Value("join_time", ConfigScalars.Duration) ?? defaults.Join,
            Leave = map.Value("leave_time", ConfigScalars.Duration) ?? defaults.Leave,
            LeaveAll = map.Value("leaveall_time", ConfigScalars.Duration) ?? defaults.LeaveAll,
            Periodic = map.Value("periodic_time", ConfigScalars.Duration) ?? defaults.Periodic,
        };
        bool declareStatic = map.Bool("declare_static") ?? false;
        map.RejectUnknownKeys();
        if (timers.Join <= TimeSpan.Zero)
        {
            diagnostics.Add(map.Get("join_time")!, "join_time must be more than 0");
        }
        else if (timers.Leave <= 2 * timers.Join)
        {
            // 802.1Q 10.7.4: a registrar must hear a re-declaration (up to two join times away) before its leave timer ends.
            diagnostics.Add(map.Get("leave_time") ?? map.Node, $"leave_time ({timers.Leave.TotalMilliseconds} ms) must be more than twice join_time ({timers.Join.TotalMilliseconds} ms): a registration would end before its declarer can renew it");
        }
        if (timers.LeaveAll <= timers.Leave)
        {
            diagnostics.Add(map.Get("leaveall_time") ?? map.Node, $"leaveall_time ({timers.LeaveAll.TotalSeconds} s) must be more than leave_time ({timers.Leave.TotalSeconds} s)");
        }
        return new MvrpConfig { Timers = timers, DeclareStatic = declareStatic, Ports = ports };
    }

    private static RegistrarMode ParseRegistrar(string text) => text switch
    {
        "normal" => RegistrarMode.Normal,
        "fixed" => RegistrarMode.Fixed,
        "forbidden" => RegistrarMode.Forbidden,
        _ => throw new FormatException($"'{text}' is not normal, fixed or forbidden"),
    };
}
