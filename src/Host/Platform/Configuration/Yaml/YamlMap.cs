// A YAML mapping read key by key. Every key asked for is remembered, so once a section is read the
// keys nobody asked for are typos (or settings that do not exist) and are reported with the nearest
// known key as a suggestion. Values are parsed by small functions that throw FormatException with the
// reason; the reason is recorded at the value's line and the setting keeps its default.
using System.Diagnostics.CodeAnalysis;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration.Yaml;

public sealed class YamlMap
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    private YamlMap(YamlMappingNode node, string what, ConfigDiagnostics diagnostics)
    {
        Node = node;
        What = what;
        Diagnostics = diagnostics;
    }

    public YamlMappingNode Node { get; }
    /// <summary>What the mapping is, for messages: "port hv1", "qos", "the file".</summary>
    public string What { get; }
    public ConfigDiagnostics Diagnostics { get; }

    /// <summary>Opens <paramref name="node"/> as a mapping, or records why it is not one and returns null.</summary>
    public static YamlMap? Open(YamlNode node, string what, ConfigDiagnostics diagnostics)
    {
        if (node is YamlMappingNode mapping)
        {
            return new YamlMap(mapping, what, diagnostics);
        }
        diagnostics.Add(node, $"{what} must be a mapping of keys, e.g. '{{ key: value }}'");
        return null;
    }

    public static YamlMap Of(YamlMappingNode node, string what, ConfigDiagnostics diagnostics) => new(node, what, diagnostics);

    /// <summary>The value under <paramref name="key"/>, or null when the key is absent.</summary>
    public YamlNode? Get(string key)
    {
        _known.Add(key);
        return Node.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? value : null;
    }

    /// <summary>The key node itself (for errors about the key rather than its value).</summary>
    public YamlNode? KeyNode(string key) => Node.Children.Keys.FirstOrDefault(k => k is YamlScalarNode { Value: var v } && v == key);

    public bool Has(string key) => Get(key) is not null;

    /// <summary>A required value; records "X needs KEY" at the mapping when absent.</summary>
    public YamlNode? Require(string key)
    {
        YamlNode? value = Get(key);
        if (value is null)
        {
            Diagnostics.Add(Node, $"{What} needs '{key}'");
        }
        return value;
    }

    /// <summary>A scalar's text, or null (recorded) when the value is a list, mapping or empty.</summary>
    public string? Text(string key)
    {
        YamlNode? node = Get(key);
        return node is null ? null : ScalarText(node, key, Diagnostics);
    }

    public string? RequireText(string key) => Require(key) is YamlNode node ? ScalarText(node, key, Diagnostics) : null;

    /// <summary>A parsed value type, or null when absent or invalid (invalid is recorded).</summary>
    public T? Value<T>(string key, Func<string, T> parse) where T : struct
    {
        YamlNode? node = Get(key);
        return node is not null && TryParse(node, key, parse, Diagnostics, out T value) ? value : null;
    }

    /// <summary>A parsed reference-type value, or null when absent or invalid (invalid is recorded).</summary>
    public T? Object<T>(string key, Func<string, T> parse) where T : class
    {
        YamlNode? node = Get(key);
        return node is not null && TryParse(node, key, parse, Diagnostics, out T? value) ? value : null;
    }

    public bool? Bool(string key) => Value(key, ConfigScalars.Bool);

    public int? Int(string key, int min, int max) => Value(key, text => ConfigScalars.Int(text, min, max));

    /// <summary>A nested mapping, or null when absent or not a mapping (recorded).</summary>
    public YamlMap? Map(string key, string what)
    {
        YamlNode? node = Get(key);
        return node is null ? null : Open(node, what, Diagnostics);
    }

    /// <summary>A list's items; an absent key gives an empty list, a non-list value is recorded.</summary>
    public IReadOnlyList<YamlNode> List(string key)
    {
        YamlNode? node = Get(key);
        if (node is null)
        {
            return [];
        }
        if (node is YamlSequenceNode sequence)
        {
            return [.. sequence.Children];
        }
        Diagnostics.Add(node, $"'{key}' must be a list (items start with '- ')");
        return [];
    }

    /// <summary>Records every key that no reader asked for: call after the section is read.</summary>
    public void RejectUnknownKeys()
    {
        foreach (YamlNode keyNode in Node.Children.Keys)
        {
            string key = keyNode is YamlScalarNode scalar ? scalar.Value ?? "" : keyNode.ToString();
            if (_known.Contains(key))
            {
                continue;
            }
            string reason = NearestName.Find(key, _known) is string nearest
                ? $"unknown key '{key}' in {What} (did you mean '{nearest}'?)"
                : $"unknown key '{key}' in {What} (known keys: {string.Join(", ", _known.Order(StringComparer.Ordinal))})";
            Diagnostics.Add(keyNode, reason);
        }
    }

    public static string? ScalarText(YamlNode node, string key, ConfigDiagnostics diagnostics)
    {
        if (node is not YamlScalarNode scalar)
        {
            diagnostics.Add(node, $"'{key}' must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}");
            return null;
        }
        if (string.IsNullOrEmpty(scalar.Value) && scalar.Style is YamlDotNet.Core.ScalarStyle.Plain)
        {
            diagnostics.Add(node, $"'{key}' needs a value");
            return null;
        }
        return scalar.Value ?? "";
    }

    public static bool TryParse<T>(YamlNode node, string key, Func<string, T> parse, ConfigDiagnostics diagnostics, [MaybeNullWhen(false)] out T value)
    {
        value = default;
        if (ScalarText(node, key, diagnostics) is not string text)
        {
            return false;
        }
        try
        {
            value = parse(text.Trim());
            return true;
        }
        catch (FormatException error)
        {
            diagnostics.Add(node, $"{key}: {error.Message}");
            return false;
        }
    }
}
