// The `flow_export:` key: `collectors: [ "192.0.2.9:4739" ]` (required) and the flow cache's settings,
// each checked with its reason at its line, as every other key is.
using System.Globalization;
using System.Net;
using Hairpin.Bridge.Core.Flows;
using Hairpin.Host.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

internal static class FlowExportReader
{
    public const int MaxCacheSize = 4 * 1024 * 1024;
    public const int MaxSampling = 1_000_000;

    public static FlowExportConfig? Read(YamlMap? map)
    {
        if (map is null)
        {
            return null;
        }
        List<string> collectors = Collectors(map);
        var config = new FlowExportConfig(
            collectors,
            map.Value("active_timeout", text => Timeout(text, "active_timeout")) ?? FlowExportConfig.DefaultActiveTimeout,
            map.Value("idle_timeout", text => Timeout(text, "idle_timeout")) ?? FlowExportConfig.DefaultIdleTimeout,
            map.Int("cache_size", 1, MaxCacheSize) ?? FlowMonitorOptions.DefaultCapacity,
            map.Int("sampling", 1, MaxSampling) ?? 1,
            map.Value("observation_domain", ObservationDomain) ?? 0,
            map.Value("template_interval", text => Timeout(text, "template_interval")) ?? FlowExportConfig.DefaultTemplateInterval);
        map.RejectUnknownKeys();
        return config;
    }

    private static List<string> Collectors(YamlMap map)
    {
        YamlNode? node = map.Require("collectors");
        IReadOnlyList<YamlNode> items = node is null ? [] : map.List("collectors");
        var collectors = new List<string>(items.Count);
        if (node is YamlSequenceNode && items.Count == 0)
        {
            map.Diagnostics.Add(node, "flow_export.collectors is empty: list at least one collector, e.g. [ \"192.0.2.9:4739\" ]");
        }
        foreach (YamlNode item in items)
        {
            if (YamlMap.TryParse(item, "collectors", Collector, map.Diagnostics, out string? collector))
            {
                collectors.Add(collector!);
            }
        }
        return collectors;
    }

    /// <summary>"ADDRESS:PORT", "[IPv6]:PORT" or "HOST:PORT", as nfcapd's and Linux's tools print them.</summary>
    public static string Collector(string text)
    {
        int colon = text.LastIndexOf(':');
        string portText = colon < 0 ? "" : text[(colon + 1)..];
        if (colon <= 0 || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new FormatException($"'{text}' is not HOST:PORT with a port 1..65535 (e.g. 192.0.2.9:4739, [2001:db8::9]:4739, collector.example:2055)");
        }
        string host = text[..colon];
        bool address = IPEndPoint.TryParse(text, out IPEndPoint? endpoint) && endpoint.Port == port;
        bool name = Uri.CheckHostName(host) == UriHostNameType.Dns;
        return address || name
            ? text
            : throw new FormatException($"'{host}' is neither an IP address nor a host name (an IPv6 address goes in brackets: [2001:db8::9]:4739)");
    }

    // A 32-bit field of the message header (RFC 7011 section 3.1).
    private static uint ObservationDomain(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) && value is >= 0 and <= uint.MaxValue
            ? (uint)value
            : throw new FormatException($"{text} is outside 0..{uint.MaxValue} (a 32-bit Observation Domain ID)");

    private static TimeSpan Timeout(string text, string key)
    {
        TimeSpan value = ConfigScalars.Duration(text);
        return value >= TimeSpan.FromSeconds(1)
            ? value
            : throw new FormatException($"'{text}' is shorter than a second: the cache expires flows once a second at most (e.g. {key}: 15s)");
    }
}
