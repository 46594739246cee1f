// `hairpin link set ... --save`: writes a port's changed flags back into the config file, touching
// only those keys, so the operator's comments, order and layout stay as they wrote them. Values of
// existing keys are replaced in place; a missing key is added to the port's mapping (after `name`,
// or before the closing brace of a flow mapping).
using System.Text;
using Hairpin.Bridge.Core.Configuration;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration;

public static class PortFlagWriter
{
    /// <summary>Rewrites <paramref name="file"/> so that port <paramref name="port"/> has <paramref name="running"/>'s flags.</summary>
    /// <param name="onFile">The same port as the file currently configures it (to write only what differs).</param>
    public static void Save(string file, string port, PortConfig running, PortConfig onFile)
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
        if (wanted.Count == 0)
        {
            return;
        }
        string text = File.ReadAllText(file);
        YamlMappingNode mapping = FindPort(text, port, file);
        var edits = new List<(int At, int Length, string Text)>();
        foreach ((string key, string value) in wanted)
        {
            if (mapping.Children.FirstOrDefault(entry => entry.Key is YamlScalarNode { Value: var name } && name == key).Value is YamlScalarNode existing)
            {
                edits.Add(((int)existing.Start.Index, (int)(existing.End.Index - existing.Start.Index), value));
            }
            else if (mapping.Style == YamlDotNet.Core.Events.MappingStyle.Flow)
            {
                int end = ClosingBrace(text, (int)mapping.Start.Index);
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
        string temporary = file + ".hairpin-save";
        File.WriteAllText(temporary, result.ToString());
        File.Move(temporary, file, overwrite: true);   // readers see the old file or the new one, never half
    }

    /// <summary>The index of the brace closing the flow mapping that opens at <paramref name="open"/>.</summary>
    private static int ClosingBrace(string text, int open)
    {
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            depth += text[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return i;
            }
        }
        throw new InvalidOperationException("unbalanced braces in a flow mapping");
    }

    private static YamlMappingNode FindPort(string text, string port, string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        if (yaml.Documents.Count > 0
            && yaml.Documents[0].RootNode is YamlMappingNode root
            && root.Children.TryGetValue(new YamlScalarNode("ports"), out YamlNode? ports)
            && ports is YamlSequenceNode list)
        {
            foreach (YamlMappingNode candidate in list.Children.OfType<YamlMappingNode>())
            {
                if (candidate.Children.TryGetValue(new YamlScalarNode("name"), out YamlNode? name) && name is YamlScalarNode { Value: var value } && value == port)
                {
                    return candidate;
                }
            }
        }
        throw new InvalidOperationException($"{file}: no port named '{port}' to save into");
    }
}
