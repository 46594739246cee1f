// Runs the engine's own validation and compilation on a loaded configuration (so the file is refused
// for exactly the reasons a publish would refuse it) and maps each message back to the line it is
// about: the engine names ports, ACLs, rules and meters, and the source map knows where those were.
using System.Text.RegularExpressions;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Host.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

internal static partial class EngineCheck
{
    /// <summary>Records the engine's errors; returns its ACL warnings (rules that can never match), located.</summary>
    public static IReadOnlyList<ConfigError> Run(BridgeConfig config, YamlMappingNode root, ConfigSourceMap sources, ConfigDiagnostics diagnostics)
    {
        IReadOnlyList<string> errors;
        IReadOnlyList<string> warnings = [];
        try
        {
            // A throwaway engine: compiling is the only complete check (ACL names in actions, rule
            // contradictions), and it is cheap at load time. A small pool keeps it light.
            var engine = new BridgeEngine(config, new FramePool(64), TimeProvider.System);
            errors = [];
            warnings = engine.AclWarnings;
        }
        catch (InvalidBridgeConfigException error)
        {
            errors = error.Errors.Count > 0 ? error.Errors : [error.Message];
        }
        foreach (string message in errors)
        {
            diagnostics.Add(Locate(message, root, sources), InOurWords(message));
        }
        return [.. warnings.Select(message =>
        {
            YamlNode node = Locate(message, root, sources);
            return new ConfigError(diagnostics.File, (int)node.Start.Line, (int)node.Start.Column, "warning: " + InOurWords(message));
        })];
    }

    /// <summary>The node an engine message is about, or the file's root when it names nothing known.</summary>
    internal static YamlNode Locate(string message, YamlMappingNode root, ConfigSourceMap sources)
    {
        Match match;
        if ((match = PortIndexed().Match(message)).Success)
        {
            string port = $"port#{match.Groups[1].Value}";
            string detail = match.Groups[2].Value;
            string? key = PortSettingKeys.FirstOrDefault(pair => detail.StartsWith(pair.Prefix, StringComparison.Ordinal)).Key;
            return (key is null ? null : sources.First($"{port}/{key}")) ?? sources.First(port) ?? root;
        }
        if ((match = AclRuleNamed().Match(message)).Success)
        {
            return sources.First($"acl:{match.Groups[1].Value}/rule:{match.Groups[2].Value}") ?? sources.Last($"acl:{match.Groups[1].Value}") ?? root;
        }
        if ((match = PortReference().Match(message)).Success)
        {
            string port = $"port:{match.Groups[1].Value}";
            string target = match.Groups[3].Value;
            YamlNode? node = match.Groups[2].Value == "acl"
                ? AclKeys.Select(key => sources.First($"{port}/{key}")).FirstOrDefault(n => n is YamlScalarNode s && s.Value == target)
                : (sources.First($"{port}/qos") as YamlMappingNode)?.Children.FirstOrDefault(c => c.Key is YamlScalarNode { Value: "policer" }).Value;
            return node ?? sources.First(port) ?? root;
        }
        if ((match = NamedThing().Match(message)).Success)
        {
            string kind = match.Groups[1].Value switch
            {
                "vm acl" => "vm_acls",
                "vm policer" => "vm_policers",
                string other => other,
            };
            return sources.Last($"{kind}:{match.Groups[2].Value}") ?? root;
        }
        string? bridgeKey = BridgeSettingKeys.FirstOrDefault(pair => message.StartsWith(pair.Prefix, StringComparison.Ordinal)).Key;
        return (bridgeKey is null ? null : sources.First($"key/{bridgeKey}")) ?? root;
    }

    /// <summary>The engine's hyphenated setting names, respelled as this file spells them.</summary>
    internal static string InOurWords(string message)
    {
        foreach ((string engine, string ours) in Respellings)
        {
            message = message.Replace(engine, ours, StringComparison.Ordinal);
        }
        return message;
    }

    private static readonly string[] AclKeys = ["ingress_acl", "egress_acl"];

    // Most specific first: "max-learned" inside "ports[0] (x): max-learned ..." is the port's key.
    private static readonly (string Prefix, string Key)[] PortSettingKeys =
    [
        ("a port needs a name", "name"), ("the name is used", "name"), ("state", "state"), ("max-learned", "max_learned"),
        ("group forward mask", "group_fwd_mask"), ("pvid", "vlan"), ("untagged", "vlan"), ("port-security", "port_security"),
        ("storm-control", "storm_control"), ("qos", "qos"),
    ];

    private static readonly (string Prefix, string Key)[] BridgeSettingKeys =
    [
        ("ports:", "ports"), ("ageing-time", "ageing_time"), ("mac-move-damping", "mac_move_damping"),
        ("loop-detection", "loop_detection"), ("ping-pong-guard", "ping_pong_guard"), ("priority-to-class", "priority_to_class"),
        ("bpdu-guard-recovery", "bpdu_guard_recovery"), ("max-learned", "max_learned"), ("max-frame-size", "max_frame"),
        ("a meter needs", "meters"),
    ];

    private static readonly (string Engine, string Ours)[] Respellings =
    [
        ("ageing-time", "ageing_time"), ("max-learned", "max_learned"), ("max-frame-size", "max_frame"),
        ("bpdu-guard-recovery", "bpdu_guard_recovery"), ("mac-move-damping", "mac_move_damping"), ("max-moves", "max_moves"),
        ("loop-detection", "loop_detection"), ("ping-pong-guard", "ping_pong_guard"), ("priority-to-class", "priority_to_class"),
        ("port-security", "port_security"), ("max-macs", "max_macs"), ("storm-control", "storm_control"),
        ("unknown-unicast", "unknown_unicast"), ("default-priority", "default_priority"), ("strict-from-class", "strict_from"),
        ("set-class", "set_class"), ("group forward mask", "group_fwd_mask"),
    ];

    [GeneratedRegex(@"^ports\[(\d+)\] \([^)]*\): (.*)$", RegexOptions.Singleline)]
    private static partial Regex PortIndexed();

    [GeneratedRegex(@"^acl (\S+) rule (\d+) ")]
    private static partial Regex AclRuleNamed();

    [GeneratedRegex(@"^port (\S+): no (acl|meter) named '(.*)'")]
    private static partial Regex PortReference();

    [GeneratedRegex(@"^(acl|meter|vm acl|vm policer) (\S+):")]
    private static partial Regex NamedThing();
}
