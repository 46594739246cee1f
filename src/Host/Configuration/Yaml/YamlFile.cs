// Reads a config file into YamlDotNet's representation model, which keeps every node's line and column
// (the object deserializer would lose them). Syntax errors become one located error.
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration.Yaml;

internal static class YamlFile
{
    /// <summary>The root mapping of <paramref name="path"/>, or null with the reason recorded in <paramref name="diagnostics"/>.</summary>
    public static YamlMappingNode? LoadRoot(string path, ConfigDiagnostics diagnostics)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new ConfigError(path, 1, 1, $"cannot read the file: {error.Message}"));
            return null;
        }
        return Parse(text, diagnostics);
    }

    public static YamlMappingNode? Parse(string text, ConfigDiagnostics diagnostics)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException error)
        {
            // YamlDotNet prefixes its message with the position; the error carries it already.
            string reason = StripMarks(error.Message);
            diagnostics.Add(error.Start, reason.StartsWith("Duplicate key ", StringComparison.Ordinal)
                ? $"'{reason["Duplicate key ".Length..]}' appears twice in the same mapping"
                : $"YAML syntax: {reason}");
            return null;
        }
        if (stream.Documents.Count == 0 || IsEmpty(stream.Documents[0].RootNode))
        {
            diagnostics.Add(new ConfigError(diagnostics.File, 1, 1, "the file is empty"));
            return null;
        }
        if (stream.Documents.Count > 1)
        {
            diagnostics.Add(stream.Documents[1].RootNode, "only one YAML document is read: remove the second '---'");
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            diagnostics.Add(stream.Documents[0].RootNode, "the file must be a mapping of keys (e.g. 'ports:'), not a list or a single value");
            return null;
        }
        return root;
    }

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value: null or "" } scalar && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain;

    private static string StripMarks(string message)
    {
        // "(Line: 3, Col: 5, Idx: 20) - (Line: 3, Col: 6, Idx: 21): While scanning ..." -> "While scanning ..."
        int colon = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && colon > 0 ? message[(colon + 3)..] : message;
    }
}
