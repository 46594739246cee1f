// `hairpin link set ... --save`: rewrites a port's changed flags into the config file's text, touching
// only those keys, so the operator's comments, order and layout stay as they wrote them. Values of
// existing keys are replaced in place; a missing key is added to the port's mapping (after `name`,
// or before the closing brace of a flow mapping). The file must load as it stands, and the rewrite is
// loaded before anyone writes it: a save never turns a good file bad.
using System.Text;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Host.Configuration.Yaml;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

public static class PortFlagWriter
{
    /// <summary>
    /// <paramref name="text"/> (the content of <paramref name="file"/>) with port <paramref name="port"/>
    /// given <paramref name="running"/>'s flags, or null when the file says so already.
    /// </summary>
    /// <exception cref="ConfigException">The file does not load as it stands (every error located), or has no such port.</exception>
    /// <exception cref="InvalidOperationException">The rewrite would not load or not say what was asked (a bug here, never written).</exception>
    public static string? Rewrite(string text, string file, string port, PortConfig running)
    {
        ArgumentNullException.ThrowIfNull(running);
        HostConfig onFile = HostConfigLoader.Parse(text, file);
        var diagnostics = new ConfigDiagnostics(file);
        YamlMappingNode root = YamlFile.Parse(text, diagnostics)!;   // it just loaded
        YamlMappingNode mapping = FindPort(root, port) ?? throw new ConfigException(
            [new ConfigError(file, (int)root.Start.Line, (int)root.Start.Column, $"the file has no port '{port}' (it was renamed or removed since the bridge started): nothing saved")]);
        List<(string Key, string Value)> wanted = Differences(running, onFile.Bridge.Ports[onFile.Bridge.IndexOf(port)]);
        if (wanted.Count == 0)
        {
            return null;
        }
        foreach ((string key, _) in wanted)
        {
            // An anchored value may be shared through aliases (an alias even points at the anchor's text):
            // rewriting it for this port would rewrite it for the others, so that edit is the operator's.
            if (mapping.Children.FirstOrDefault(entry => entry.Key is YamlScalarNode { Value: var name } && name == key).Value is { Anchor.IsEmpty: false } shared)
            {
                throw new InvalidOperationException(
                    $"{file}:{shared.Start.Line}:{shared.Start.Column}: {key} of port {port} is the YAML anchor '&{shared.Anchor}', which other values may share: edit it by hand; nothing saved");
            }
        }
        string rewritten = Edit(text, mapping, wanted);
        Check(rewritten, file, port, running, onFile);
        return rewritten;
    }

    private static List<(string Key, string Value)> Differences(PortConfig running, PortConfig onFile)
    {
        var wanted = new List<(string Key, string Value)>();
        void Differs(string key, object now, object was)
        {
            if (!now.Equals(was))
            {
                wanted.Add((key, now is bool flag ? (flag ? "true" : "false") : now.ToString()!.ToLowerInvariant()));
            }
        }
        Differs("hairpin", running.Hairpin, onFile.Hairpin);
        Differs("isolated", running.Isolated, onFile.Isolated);
        Differs("learning", running.Learning, onFile.Learning);
        Differs("flood", running.UnknownUnicastFlood, onFile.UnknownUnicastFlood);
        Differs("mcast_flood", running.MulticastFlood, onFile.MulticastFlood);
        Differs("bcast_flood", running.BroadcastFlood, onFile.BroadcastFlood);
        Differs("bpdu_guard", running.BpduGuard, onFile.BpduGuard);
        Differs("state", running.State, onFile.State);
        return wanted;
    }

    private static string Edit(string text, YamlMappingNode mapping, List<(string Key, string Value)> wanted)
    {
        var edits = new List<(int At, int Length, string Text)>();
        foreach ((string key, string value) in wanted)
        {
            if (mapping.Children.FirstOrDefault(entry => entry.Key is YamlScalarNode { Value: var name } && name == key).Value is YamlScalarNode existing)
            {
                edits.Add(((int)existing.Start.Index, (int)(existing.End.Index - existing.Start.Index), value));
            }
            else if (mapping.Style == YamlDotNet.Core.Events.MappingStyle.Flow)
            {
                int end = ClosingBrace(text, mapping.Start.Index);
                while (end > 0 && text[end - 1] == ' ')
                {
                    end--;
                }
                edits.Add((end, 0, $", {key}: {value}"));
            }
            else
            {
                var (nameKey, nameValue) = mapping.Children.First(entry => entry.Key is YamlScalarNode { Value: "name" });
                int lineEnd = text.IndexOf('\n', (int)nameValue.End.Index);
                int at = lineEnd < 0 ? text.Length : lineEnd;
                edits.Add((at, 0, $"\n{new string(' ', (int)nameKey.Start.Column - 1)}{key}: {value}"));
            }
        }
        var result = new StringBuilder(text);
        foreach ((int at, int length, string insert) in edits.OrderByDescending(edit => edit.At))
        {
            result.Remove(at, length).Insert(at, insert);
        }
        return result.ToString();
    }

    /// <summary>
    /// The rewrite must load, give the port the flags asked for and leave every other port's flags as
    /// they were (an edited value that is a YAML anchor would change its aliases too); else nothing is written.
    /// </summary>
    private static void Check(string rewritten, string file, string port, PortConfig running, HostConfig onFile)
    {
        HostConfig saved;
        try
        {
            saved = HostConfigLoader.Parse(rewritten, file);
        }
        catch (ConfigException error)
        {
            throw new InvalidOperationException($"the rewrite of {file} would not load ({(error.Errors.Count > 0 ? error.Errors[0].ToString() : error.Message)}): nothing saved", error);
        }
        int index = saved.Bridge.IndexOf(port);
        if (index < 0 || Differences(running, saved.Bridge.Ports[index]).Count > 0)
        {
            throw new InvalidOperationException($"the rewrite of {file} would not give port {port} the flags asked for: nothing saved");
        }
        foreach (PortConfig other in onFile.Bridge.Ports.Where(p => p.Name != port))
        {
            int at = saved.Bridge.IndexOf(other.Name);
            if (at < 0 || Differences(other, saved.Bridge.Ports[at]).Count > 0)
            {
                throw new InvalidOperationException($"the rewrite of {file} would change port {other.Name} too (a value shared through a YAML anchor?): nothing saved");
            }
        }
    }

    /// <summary>
    /// Where the flow mapping opening at <paramref name="open"/> closes, from the parser's events: the
    /// representation model keeps no end for a mapping, and counting braces in the text would count
    /// those inside quoted values too.
    /// </summary>
    private static int ClosingBrace(string text, long open)
    {
        var parser = new Parser(new StringReader(text));
        int depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart start when depth == 0 && start.Start.Index == open:
                case MappingStart when depth > 0:
                    depth++;
                    break;
                case MappingEnd end when depth > 0 && --depth == 0:
                    return (int)end.Start.Index;
            }
        }
        throw new InvalidOperationException("the port's flow mapping has no end");
    }

    private static YamlMappingNode? FindPort(YamlMappingNode root, string port) =>
        root.Children.TryGetValue(new YamlScalarNode("ports"), out YamlNode? ports) && ports is YamlSequenceNode list
            ? list.Children.OfType<YamlMappingNode>().FirstOrDefault(candidate =>
                candidate.Children.TryGetValue(new YamlScalarNode("name"), out YamlNode? name) && name is YamlScalarNode { Value: var value } && value == port)
            : null;
}
