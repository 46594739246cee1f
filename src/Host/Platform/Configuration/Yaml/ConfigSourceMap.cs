// Where each named thing was written (port hv1, acl web rule 3, the ageing_time key), so that problems
// found later, by the engine's own validation, can still be reported at a line of the file.
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration.Yaml;

public sealed class ConfigSourceMap
{
    private readonly Dictionary<string, List<YamlNode>> _nodes = new(StringComparer.Ordinal);

    /// <summary>Keys read like paths: "key/ageing_time", "port:hv1", "port:hv1/vlan", "acl:web/rule:3".</summary>
    public void Remember(string key, YamlNode node)
    {
        if (!_nodes.TryGetValue(key, out List<YamlNode>? list))
        {
            _nodes[key] = list = [];
        }
        list.Add(node);
    }

    /// <summary>Every child of <paramref name="map"/> under "<paramref name="prefix"/>/KEY".</summary>
    public void RememberChildren(string prefix, YamlMappingNode map)
    {
        foreach ((YamlNode key, YamlNode value) in map.Children)
        {
            if (key is YamlScalarNode { Value: string name })
            {
                Remember($"{prefix}/{name}", value);
            }
        }
    }

    public YamlNode? First(string key) => _nodes.TryGetValue(key, out List<YamlNode>? list) ? list[0] : null;

    /// <summary>The last node remembered under <paramref name="key"/> ("defined twice" is about the second).</summary>
    public YamlNode? Last(string key) => _nodes.TryGetValue(key, out List<YamlNode>? list) ? list[^1] : null;
}
