// Reads a config file into YamlDotNet's representation model, which keeps every node's line and column
// (the object deserializer would lose them). The one YAML-reading path of both programs' loaders and
// of `link set --save`: whatever the text, the outcome is a root mapping or located errors, never an
// exception (YamlDotNet throws more than YamlException on some malformed input).
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration.Yaml;

public static class YamlFile
{
    /// <summary>Deeper nesting than any config needs; the representation model recurses per level, so a hostile file must not reach the stack's end.</summary>
    public const int MaxNesting = 64;

    /// <summary>The root mapping of <paramref name="path"/>, or null with the reason recorded in <paramref name="diagnostics"/>.</summary>
    public static YamlMappingNode? LoadRoot(string path, ConfigDiagnostics diagnostics) =>
        ReadText(path, diagnostics) is string text ? Parse(text, diagnostics) : null;

    /// <summary>The file's text, or null with the reason recorded (located at 1:1: there is no line to point at).</summary>
    public static string? ReadText(string path, ConfigDiagnostics diagnostics)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new ConfigError(path, 1, 1, $"cannot read the file: {error.Message}"));
            return null;
        }
    }

    public static YamlMappingNode? Parse(string text, ConfigDiagnostics diagnostics)
    {
        // The scanner is held so that a failure that is not a YamlException still has a position.
        var scanner = new Scanner(new StringReader(text));
        var stream = new YamlStream();
        try
        {
            stream.Load(new NestingLimit(new Parser(scanner), MaxNesting));
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
#pragma warning disable CA1031 // A parser of untrusted text failing in any way is a syntax error in that text, not a crash.
        catch (Exception error) when (error is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            // e.g. InvalidOperationException from the scanner on "a: { b: c\nd: e": its message is about
            // YamlDotNet's state, not the file, so say what usually causes it and point where reading stopped.
            diagnostics.Add(scanner.CurrentPosition, "YAML syntax: cannot read past here (is a '{', '[' or quote above left open?)");
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

    private static bool IsEmpty(YamlNode node) => node is YamlScalarNode { Value: null or "" } scalar && scalar.Style == ScalarStyle.Plain;

    private static string StripMarks(string message)
    {
        // "(Line: 3, Col: 5, Idx: 20) - (Line: 3, Col: 6, Idx: 21): While scanning ..." -> "While scanning ..."
        int colon = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith("(Line:", StringComparison.Ordinal) && colon > 0 ? message[(colon + 3)..] : message;
    }
}
