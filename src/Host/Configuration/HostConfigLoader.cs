// Loads `hairpin bridge --config FILE`: reads the YAML, checks its shape and every value, then lets the
// engine check the result as a publish would. Every problem is reported at once, as FILE:LINE:COLUMN.
// Two rounds: the engine only sees a file whose every value parsed, so its messages are never about
// settings that a typo had silently left at their defaults.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Configuration.Yaml;
using Hairpin.Host.Transports;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

public static class HostConfigLoader
{
    /// <summary>Loads <paramref name="path"/>; throws <see cref="ConfigException"/> listing every problem.</summary>
    public static HostConfig Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var diagnostics = new ConfigDiagnostics(path);
        YamlMappingNode? root = YamlFile.LoadRoot(path, diagnostics);
        diagnostics.ThrowIfAny();
        return Read(root!, diagnostics);
    }

    /// <summary>Loads YAML text as if it were the file <paramref name="sourceFile"/> (for `config check` on stdin, and tests).</summary>
    public static HostConfig Parse(string yaml, string sourceFile)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var diagnostics = new ConfigDiagnostics(sourceFile);
        YamlMappingNode? root = YamlFile.Parse(yaml, diagnostics);
        diagnostics.ThrowIfAny();
        return Read(root!, diagnostics);
    }

    private static HostConfig Read(YamlMappingNode rootNode, ConfigDiagnostics diagnostics)
    {
        var sources = new ConfigSourceMap();
        sources.RememberChildren("key", rootNode);
        var root = YamlMap.Of(rootNode, "the file", diagnostics);

        (List<PortConfig> ports, List<PortAttachment> attachments, List<EvbPortConfig> evb, List<MvrpPortConfig> mvrpPorts) = ReadPorts(root, sources, diagnostics);
        MvrpConfig? mvrp = MvrpReader.Read(root.Map("mvrp", "mvrp"), mvrpPorts, diagnostics);
        ports = WithMvrpFrames(ports, mvrpPorts);
        var defaults = new BridgeConfig();
        BridgeConfig bridge = defaults with
        {
            Ports = ports,
            AgeingTime = root.Value("ageing_time", ConfigScalars.Duration) ?? defaults.AgeingTime,
            MaxLearned = root.Int("max_learned", 1, int.MaxValue) ?? defaults.MaxLearned,
            MaxFrameSize = root.Int("max_frame", 60, 65_535) ?? defaults.MaxFrameSize,
            VmCounters = root.Int("vm_counters", 0, BridgeConfig.MaxVmCounters) ?? defaults.VmCounters,
            BpduGuardRecovery = root.Value("bpdu_guard_recovery", ConfigScalars.Duration) ?? defaults.BpduGuardRecovery,
            MacMoveDamping = BridgeSettingsReader.MacMoveDamping(root.Get("mac_move_damping"), diagnostics),
            LoopDetection = BridgeSettingsReader.LoopDetection(root.Get("loop_detection"), diagnostics),
            PingPongGuard = BridgeSettingsReader.PingPongGuard(root.Get("ping_pong_guard"), diagnostics),
            Acls = ReadList(root, "acls", (node, i) => AclReader.Read(node, i, sources, diagnostics)),
            Meters = ReadList(root, "meters", (node, i) => MeterReader.Read(node, i, sources, diagnostics)),
            VmAcls = ReadList(root, "vm_acls", (node, i) =>
                BridgeSettingsReader.VmBinding(node, "vm_acls", i, "acl", sources, diagnostics) is var (port, mac, acl, vid) ? new VmAclBinding(port, mac, acl, vid) : null),
            VmPolicers = ReadList(root, "vm_policers", (node, i) =>
                BridgeSettingsReader.VmBinding(node, "vm_policers", i, "meter", sources, diagnostics) is var (port, mac, meter, vid) ? new VmPolicerBinding(port, mac, meter, vid) : null),
            PriorityToClass = BridgeSettingsReader.PriorityToClass(root) ?? defaults.PriorityToClass,
        };
        List<Management.MonitorSessionConfig> monitorSessions = MonitorSessionReader.ReadAll(root, [.. ports.Select(port => port.Name)], sources, diagnostics);
        bridge = bridge with { Acls = MirrorToSessions(bridge.Acls, monitorSessions) };
        List<VsiTypeConfig> vsiTypes = ReadList(root, "vsi_types", (node, i) => EvbReader.ReadType(node, i, sources, diagnostics));
        EvbReader.CheckTypes(vsiTypes, bridge.Acls.Select(acl => acl.Name).ToHashSet(StringComparer.Ordinal),
            bridge.Meters.Select(meter => meter.Name).ToHashSet(StringComparer.Ordinal), sources, diagnostics, rootNode);
        ManagementConfig management = ServiceSettingsReader.Management(root.Map("management", "management"), new ManagementConfig());
        MetricsConfig metrics = ServiceSettingsReader.Metrics(root.Map("metrics", "metrics"));
        StoreConfig store = StoreReader.Read(root.Map("store", "store"), diagnostics.File);
        FlowExportConfig? flowExport = FlowExportReader.Read(root.Map("flow_export", "flow_export"));
        root.RejectUnknownKeys();
        diagnostics.ThrowIfAny();

        IReadOnlyList<ConfigError> warnings = EngineCheck.Run(bridge, rootNode, sources, diagnostics);
        diagnostics.ThrowIfAny();
        return new HostConfig
        {
            SourceFile = diagnostics.File,
            Bridge = bridge,
            Attachments = attachments,
            Management = management,
            Metrics = metrics,
            Evb = evb,
            VsiTypes = vsiTypes,
            Store = store,
            MonitorSessions = monitorSessions,
            FlowExport = flowExport,
            Mvrp = mvrp,
            Warnings = warnings,
        };
    }

    /// <summary>An ACL rule's `mirror: NAME` naming a monitor session (not a port) sends its copies to that session.</summary>
    private static List<AccessList> MirrorToSessions(IReadOnlyList<AccessList> acls, List<Management.MonitorSessionConfig> sessions)
    {
        HashSet<string> names = [.. sessions.Select(session => session.Name)];
        return [.. acls.Select(acl => acl with
        {
            Rules = [.. acl.Rules.Select(rule => rule.Actions.Mirror is string name && names.Contains(name)
                ? rule with { Actions = rule.Actions with { Mirror = null, MirrorSession = name } }
                : rule)],
        })];
    }

    /// <summary>An MVRP bridge traps MVRPDUs on its MVRP ports and discards them on the others; a bridge without MVRP relays them.</summary>
    private static List<PortConfig> WithMvrpFrames(List<PortConfig> ports, List<MvrpPortConfig> mvrp)
    {
        if (mvrp.Count == 0)
        {
            return ports;
        }
        HashSet<string> running = [.. mvrp.Select(port => port.Port)];
        return [.. ports.Select(port => port with { MvrpFrames = running.Contains(port.Name) ? MvrpFrames.Trap : MvrpFrames.Discard })];
    }

    private static (List<PortConfig>, List<PortAttachment>, List<EvbPortConfig>, List<MvrpPortConfig>) ReadPorts(YamlMap root, ConfigSourceMap sources, ConfigDiagnostics diagnostics)
    {
        var ports = new List<PortConfig>();
        var attachments = new List<PortAttachment>();
        var evbPorts = new List<EvbPortConfig>();
        var mvrpPorts = new List<MvrpPortConfig>();
        YamlNode? portsNode = root.Get("ports");
        if (portsNode is null)
        {
            diagnostics.Add(root.Node, "the file needs 'ports:', a list of at least one port (name and attach)");
            return (ports, attachments, evbPorts, mvrpPorts);
        }
        IReadOnlyList<YamlNode> items = root.List("ports");
        if (portsNode is YamlSequenceNode && items.Count == 0)
        {
            diagnostics.Add(portsNode, "ports is empty: a bridge needs at least one port");
        }
        var attach = new AttachParser(diagnostics);
        var firstByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            if (PortReader.Read(items[i], i, attach, sources, diagnostics) is not var (port, spec, evb, mvrp))
            {
                continue;
            }
            YamlNode nameNode = ((YamlMappingNode)items[i]).Children.TryGetValue(new YamlScalarNode("name"), out YamlNode? n) ? n : items[i];
            if (!firstByName.TryAdd(port.Name, i))
            {
                diagnostics.Add(nameNode, $"port name '{port.Name}' is already used by ports[{firstByName[port.Name]}]");
                continue;
            }
            ports.Add(port);
            if (spec is not null)
            {
                attachments.Add(new PortAttachment(port.Name, spec));
            }
            if (evb is not null)
            {
                evbPorts.Add(evb);
            }
            if (mvrp is not null)
            {
                mvrpPorts.Add(mvrp);
            }
        }
        return (ports, attachments, evbPorts, mvrpPorts);
    }

    private static List<T> ReadList<T>(YamlMap root, string key, Func<YamlNode, int, T?> read) where T : class
    {
        IReadOnlyList<YamlNode> items = root.List(key);
        var list = new List<T>(items.Count);
        for (int i = 0; i < items.Count; i++)
        {
            if (read(items[i], i) is T item)
            {
                list.Add(item);
            }
        }
        return list;
    }
}
