// `monitor_sessions:`: mirroring sessions as NX-OS's `monitor session` has them. Each has a name
// (what ACL rules' `mirror: NAME` and `hairpin monitor` call it), sources (ports or VSIs, each rx, tx
// or both) and one destination: a port (SPAN), a port with `rspan_vlan` (RSPAN), a port with
// `erspan:` (ERSPAN type II or III to a collector), or `file:`, a ring of pcapng files. Every problem
// is reported at its node; MonitorSessionCheck holds the checks a live `monitor add` shares.
using System.Net;
using System.Net.Sockets;
using Hairpin.Host.Configuration.Yaml;
using Hairpin.Host.Management;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

internal static class MonitorSessionReader
{
    private static readonly string[] FileKeys = ["file_size", "file_count", "snap_length"];
    private static readonly string[] PortKeys = ["rspan_vlan", "erspan"];

    public static List<MonitorSessionConfig> ReadAll(YamlMap root, IReadOnlyList<string> portNames, ConfigSourceMap sources, ConfigDiagnostics diagnostics)
    {
        var sessions = new List<MonitorSessionConfig>();
        IReadOnlyList<YamlNode> items = root.List("monitor_sessions");
        var firstByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            if (Read(items[i], i, portNames, diagnostics) is not (MonitorSessionConfig session, YamlNode nameNode))
            {
                continue;
            }
            if (!firstByName.TryAdd(session.Name, i))
            {
                diagnostics.Add(nameNode, $"monitor session name '{session.Name}' is already used by monitor_sessions[{firstByName[session.Name]}]");
                continue;
            }
            sources.Remember($"monitor:{session.Name}", items[i]);
            sessions.Add(session);
        }
        return sessions;
    }

    private static (MonitorSessionConfig, YamlNode)? Read(YamlNode node, int index, IReadOnlyList<string> portNames, ConfigDiagnostics diagnostics)
    {
        if (YamlMap.Open(node, $"monitor_sessions[{index}]", diagnostics) is not YamlMap map)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        YamlNode? nameNode = map.Require("name");
        string? name = nameNode is not null && YamlMap.TryParse(nameNode, "name", ConfigScalars.Name, diagnostics, out string? parsed) ? parsed : null;
        string what = name is null ? $"monitor_sessions[{index}]" : $"monitor session {name}";
        if (name is not null && portNames.Contains(name))
        {
            diagnostics.Add(nameNode!, $"monitor session name '{name}' is also a port's: an ACL rule's 'mirror: {name}' would be ambiguous");
        }
        var sourceList = new List<MonitorSourceConfig>();
        IReadOnlyList<YamlNode> sourceNodes = map.List("sources");
        for (int i = 0; i < sourceNodes.Count; i++)
        {
            if (ReadSource(sourceNodes[i], i, what, portNames, diagnostics) is MonitorSourceConfig source)
            {
                sourceList.Add(source);
            }
        }
        YamlNode? destinationNode = map.Require("destination");
        MonitorDestinationConfig? destination = destinationNode is null ? null : ReadDestination(destinationNode, what, portNames, diagnostics);
        map.RejectUnknownKeys();
        if (destination?.Port is string destinationPort)
        {
            for (int i = 0; i < sourceList.Count; i++)
            {
                if (sourceList[i].Port == destinationPort)
                {
                    diagnostics.Add(sourceNodes[i], $"port {destinationPort} is both a source and the destination of {what}: its copies would go back out where they came from");
                }
            }
        }
        return diagnostics.Count == errorsBefore && name is not null && destination is not null
            ? (new MonitorSessionConfig(name, sourceList, destination), nameNode!)
            : null;
    }

    private static MonitorSourceConfig? ReadSource(YamlNode node, int index, string session, IReadOnlyList<string> portNames, ConfigDiagnostics diagnostics)
    {
        if (YamlMap.Open(node, $"sources[{index}] of {session}", diagnostics) is not YamlMap map)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        string? port = map.Object("port", ConfigScalars.Name);
        string? vsi = map.Object("vsi", ConfigScalars.Name);
        MonitorDirection direction = map.Value("direction", MonitorWords.Direction) ?? MonitorDirection.Both;
        map.RejectUnknownKeys();
        if ((port is null) == (vsi is null) && diagnostics.Count == errorsBefore)
        {
            diagnostics.Add(node, $"sources[{index}] of {session} needs one of 'port' or 'vsi'");
        }
        if (port is not null && !portNames.Contains(port))
        {
            diagnostics.Add(map.Get("port")!, $"no port named '{port}'");
        }
        return diagnostics.Count == errorsBefore ? new MonitorSourceConfig(port, vsi, direction) : null;
    }

    private static MonitorDestinationConfig? ReadDestination(YamlNode node, string session, IReadOnlyList<string> portNames, ConfigDiagnostics diagnostics)
    {
        if (YamlMap.Open(node, $"destination of {session}", diagnostics) is not YamlMap map)
        {
            return null;
        }
        int errorsBefore = diagnostics.Count;
        var defaults = new MonitorDestinationConfig();
        MonitorDestinationConfig destination = defaults with
        {
            Port = map.Object("port", ConfigScalars.Name),
            RspanVlan = map.Value("rspan_vlan", ConfigScalars.VlanId),
            Erspan = map.Map("erspan", $"erspan of {session}") is YamlMap erspan ? ReadErspan(erspan) : null,
            File = map.Object("file", MonitorWords.FilePath),
            FileSize = map.Value("file_size", text => MonitorWords.FileSize(ConfigScalars.ByteSize(text))) ?? defaults.FileSize,
            FileCount = map.Int("file_count", 1, 10_000) ?? defaults.FileCount,
            SnapLength = map.Int("snap_length", 64, 65_535) ?? defaults.SnapLength,
        };
        map.RejectUnknownKeys();
        if (diagnostics.Count != errorsBefore)
        {
            return null;
        }
        if ((destination.Port is null) == (destination.File is null))
        {
            diagnostics.Add(node, $"the destination of {session} needs one of 'port' (span, rspan_vlan or erspan) or 'file'");
            return null;
        }
        if (destination.RspanVlan is not null && destination.Erspan is not null)
        {
            diagnostics.Add(map.KeyNode("erspan")!, $"the destination of {session} is rspan_vlan or erspan, not both");
        }
        if (destination.File is null)
        {
            foreach (string key in FileKeys.Where(map.Has))
            {
                diagnostics.Add(map.KeyNode(key)!, $"{key} belongs to a file destination; {session} sends to port {destination.Port}");
            }
        }
        else
        {
            foreach (string key in PortKeys.Where(map.Has))
            {
                diagnostics.Add(map.KeyNode(key)!, $"{key} needs a port; {session} writes to a file");
            }
        }
        if (destination.Port is string port && !portNames.Contains(port))
        {
            diagnostics.Add(map.Get("port")!, $"no port named '{port}'");
        }
        return diagnostics.Count == errorsBefore ? destination : null;
    }

    private static ErspanConfig? ReadErspan(YamlMap map)
    {
        int errorsBefore = map.Diagnostics.Count;
        map.Require("type");
        map.Require("erspan_id");
        map.Require("destination_ip");
        map.Require("origin_ip");
        map.Require("next_hop_mac");
        int? type = map.Value("type", MonitorWords.ErspanType);
        int? id = map.Int("erspan_id", 0, 1023);
        string? destination = map.Object("destination_ip", MonitorWords.Ipv4);
        string? origin = map.Object("origin_ip", MonitorWords.Ipv4);
        string? mac = map.Value("next_hop_mac", ConfigScalars.UnicastMac)?.ToString();
        int? ttl = map.Int("ttl", 1, 255);
        int? dscp = map.Value("dscp", AclWords.Dscp);
        int? mtu = map.Int("mtu", 148, 9216);
        map.RejectUnknownKeys();
        if (map.Diagnostics.Count != errorsBefore || type is null || id is null || destination is null || origin is null || mac is null)
        {
            return null;
        }
        var defaults = new ErspanConfig(type.Value, id.Value, destination, origin, mac);
        return defaults with { Ttl = ttl ?? defaults.Ttl, Dscp = dscp ?? defaults.Dscp, Mtu = mtu ?? defaults.Mtu };
    }
}

/// <summary>The words of a monitor session, shared by the file reader and `hairpin monitor add`.</summary>
internal static class MonitorWords
{
    public static MonitorDirection Direction(string text) => text switch
    {
        "rx" => MonitorDirection.Rx,
        "tx" => MonitorDirection.Tx,
        "both" => MonitorDirection.Both,
        _ => throw new FormatException($"'{text}' is not rx, tx or both"),
    };

    public static int ErspanType(string text) => text switch
    {
        "2" or "ii" or "II" => 2,
        "3" or "iii" or "III" => 3,
        _ => throw new FormatException($"'{text}' is not an ERSPAN type (2 or 3, ii or iii)"),
    };

    public static string Ipv4(string text) =>
        IPAddress.TryParse(text, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetwork && text.Count(c => c == '.') == 3
            ? address.ToString()
            : throw new FormatException($"'{text}' is not an IPv4 address");

    public static string FilePath(string text) =>
        text.Length == 0 || text.EndsWith('/') ? throw new FormatException($"'{text}' is not a file path") : text;

    public static long FileSize(long bytes) =>
        bytes < 64 * 1024 ? throw new FormatException($"{bytes} bytes is too small for a capture file (at least 64k)") : bytes;
}
