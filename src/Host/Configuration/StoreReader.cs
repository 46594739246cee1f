// The `store:` key: absent or `{ file: PATH }` is the embedded store, `{ etcd: [URL...], prefix, name,
// lease_ttl }` is etcd; `forget_after` is either's. Errors are located like every other key's.
using Hairpin.Host.Configuration.Yaml;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

internal static class StoreReader
{
    public static StoreConfig Read(YamlMap? map, string configFile)
    {
        if (map is null)
        {
            return new StoreConfig.Embedded(EmbeddedStorePath.Default(configFile));
        }
        string? file = map.Object("file", text => FilePath(text, configFile));
        YamlNode? etcdNode = map.Get("etcd");
        StoreConfig store;
        if (etcdNode is null)
        {
            foreach (string etcdOnly in new[] { "prefix", "name", "lease_ttl" })
            {
                if (map.Has(etcdOnly) && map.KeyNode(etcdOnly) is YamlNode key)
                {
                    map.Diagnostics.Add(key, $"store: '{etcdOnly}' is a setting of the etcd store: add 'etcd: [ URL ]' or leave it out");
                }
            }
            store = new StoreConfig.Embedded(file ?? EmbeddedStorePath.Default(configFile));
        }
        else
        {
            if (map.KeyNode("file") is YamlNode fileKey)
            {
                map.Diagnostics.Add(fileKey, "store takes 'file' (embedded) or 'etcd', not both");
            }
            store = new StoreConfig.Etcd(Endpoints(map, etcdNode),
                map.Object("prefix", Prefix) ?? StoreConfig.Etcd.DefaultPrefix,
                map.Object("name", ApplianceName) ?? Environment.MachineName,
                map.Int("lease_ttl", 2, 300) ?? StoreConfig.Etcd.DefaultLeaseTtlSeconds);
        }
        TimeSpan? forgetAfter = map.Value("forget_after", ForgetAfter);
        map.RejectUnknownKeys();
        return forgetAfter is TimeSpan forget ? store with { ForgetAfter = forget } : store;
    }

    private static List<string> Endpoints(YamlMap map, YamlNode node)
    {
        IReadOnlyList<YamlNode> items = map.List("etcd");
        var endpoints = new List<string>(items.Count);
        if (node is YamlSequenceNode && items.Count == 0)
        {
            map.Diagnostics.Add(node, "store.etcd is empty: list at least one endpoint, e.g. [ \"http://127.0.0.1:2379\" ]");
        }
        foreach (YamlNode item in items)
        {
            if (YamlMap.TryParse(item, "etcd", Endpoint, map.Diagnostics, out string? endpoint))
            {
                endpoints.Add(endpoint!);
            }
        }
        return endpoints;
    }

    private static string Endpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? text
            : throw new FormatException($"'{text}' is not an etcd endpoint: an http or https URL, e.g. http://127.0.0.1:2379");

    private static string Prefix(string text) =>
        text.StartsWith('/') && !text.Any(char.IsWhiteSpace)
            ? text
            : throw new FormatException($"'{text}' is not a key prefix: it starts with '/' and has no spaces, e.g. /hairpin");

    // The name is one segment of the store's keys (PREFIX/appliances/NAME).
    private static string ApplianceName(string text) =>
        text.Length > 0 && !text.Any(c => c == '/' || char.IsWhiteSpace(c) || char.IsControl(c))
            ? text
            : throw new FormatException($"'{text}' is not an appliance name (no '/' and no spaces)");

    // At least an hour: the stores look for what to forget about once an hour, and a VM's reboot must
    // not lose its counters.
    private static TimeSpan ForgetAfter(string text)
    {
        TimeSpan value = ConfigScalars.Duration(text);
        return value >= TimeSpan.FromHours(1)
            ? value
            : throw new FormatException($"'{text}' is shorter than an hour: a de-associated VSI is kept at least that long (e.g. forget_after: 30d)");
    }

    // Relative to the config file, not to wherever the daemon was started from.
    private static string FilePath(string text, string configFile) =>
        text.EndsWith('/')
            ? throw new FormatException($"'{text}' is a directory: name the file, e.g. /var/lib/hairpin/bridge.vsi.json")
            : Path.GetFullPath(text, Path.GetDirectoryName(Path.GetFullPath(configFile)) ?? "/");
}
