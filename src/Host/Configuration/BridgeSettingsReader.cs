// The bridge-wide settings beside `ports:`: FDB limits and ageing (Linux `ip link set type bridge`
// words: ageing_time), frame size, the loop protections, QoS's priority map and the VM bindings.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

internal static class BridgeSettingsReader
{
    /// <summary>`mac_move_damping: false`, or a mapping (present means on, unless `enabled: false`).</summary>
    public static MacMoveDamping MacMoveDamping(YamlNode? node, ConfigDiagnostics diagnostics)
    {
        var defaults = new MacMoveDamping();
        if (OpenToggle(node, "mac_move_damping", diagnostics, out bool enabled) is not YamlMap map)
        {
            return defaults with { Enabled = enabled };
        }
        MacMoveDamping damping = defaults with
        {
            Enabled = map.Bool("enabled") ?? true,
            MaxMoves = map.Int("max_moves", 1, int.MaxValue) ?? defaults.MaxMoves,
            Window = map.Value("window", ConfigScalars.Duration) ?? defaults.Window,
            Hold = map.Value("hold", ConfigScalars.Duration) ?? defaults.Hold,
        };
        map.RejectUnknownKeys();
        return damping;
    }

    public static LoopDetection LoopDetection(YamlNode? node, ConfigDiagnostics diagnostics)
    {
        var defaults = new LoopDetection();
        if (OpenToggle(node, "loop_detection", diagnostics, out bool enabled) is not YamlMap map)
        {
            return defaults with { Enabled = enabled };
        }
        LoopDetection detection = defaults with
        {
            Enabled = map.Bool("enabled") ?? true,
            Retry = map.Value("retry", ConfigScalars.Duration) ?? defaults.Retry,
        };
        map.RejectUnknownKeys();
        return detection;
    }

    public static PingPongGuard PingPongGuard(YamlNode? node, ConfigDiagnostics diagnostics)
    {
        var defaults = new PingPongGuard();
        if (OpenToggle(node, "ping_pong_guard", diagnostics, out bool enabled) is not YamlMap map)
        {
            return defaults with { Enabled = enabled };
        }
        PingPongGuard guard = defaults with
        {
            Enabled = map.Bool("enabled") ?? true,
            Window = map.Value("window", ConfigScalars.Duration) ?? defaults.Window,
        };
        map.RejectUnknownKeys();
        return guard;
    }

    /// <summary>A mapping to read on, or null with <paramref name="enabled"/> from `true`/`false` (or on, when absent).</summary>
    private static YamlMap? OpenToggle(YamlNode? node, string key, ConfigDiagnostics diagnostics, out bool enabled)
    {
        enabled = true;
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode)
        {
            enabled = !YamlMap.TryParse(node, key, ConfigScalars.Bool, diagnostics, out bool value) || value;
            return null;
        }
        return YamlMap.Open(node, key, diagnostics);
    }

    /// <summary>Eight traffic classes, for priorities 0..7 in order.</summary>
    public static int[]? PriorityToClass(YamlMap root)
    {
        YamlNode? node = root.Get("priority_to_class");
        if (node is null)
        {
            return null;
        }
        IReadOnlyList<YamlNode> items = root.List("priority_to_class");
        if (node is YamlSequenceNode && items.Count != 8)
        {
            root.Diagnostics.Add(node, $"priority_to_class needs 8 classes (for priorities 0..7), not {items.Count}");
            return null;
        }
        var classes = new int[items.Count];
        bool valid = items.Count == 8;
        for (int i = 0; i < items.Count; i++)
        {
            valid &= YamlMap.TryParse(items[i], "priority_to_class", text => ConfigScalars.Int(text, 0, 7), root.Diagnostics, out classes[i]);
        }
        return valid ? classes : null;
    }

    /// <summary>An entry of `vm_acls:` (<paramref name="target"/> "acl") or `vm_policers:` ("meter").</summary>
    public static (string Port, Hairpin.Bridge.Core.Headers.MacAddress Mac, string Target, int Vid)? VmBinding(
        YamlNode node, string list, int index, string target, ConfigSourceMap sources, ConfigDiagnostics diagnostics)
    {
        if (YamlMap.Open(node, $"{list}[{index}]", diagnostics) is not YamlMap map)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        map.Require("port");
        map.Require("mac");
        map.Require(target);
        string? port = map.Object("port", ConfigScalars.Name);
        var mac = map.Value("mac", ConfigScalars.UnicastMac);
        string? name = map.Object(target, ConfigScalars.Name);
        int? vid = map.Value("vlan", ConfigScalars.VlanId);
        map.RejectUnknownKeys();
        if (mac is { } address)
        {
            // The engine names a binding by its MAC in messages.
            sources.Remember($"{list}:{address}", node);
        }
        return diagnostics.Count == errorsBefore && port is not null && mac is { } m && name is not null ? (port, m, name, vid ?? 0) : null;
    }
}
