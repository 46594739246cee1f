// Collects problems while a config file is read, each pinned to the YAML node it is about, so one run
// reports everything wrong with the file.
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hairpin.Host.Configuration.Yaml;

public sealed class ConfigDiagnostics(string file)
{
    private readonly List<ConfigError> _errors = [];

    public string File { get; } = file;
    public bool HasErrors => _errors.Count > 0;
    public int Count => _errors.Count;

    public void Add(YamlNode node, string reason) => Add(node.Start, reason);

    public void Add(Mark mark, string reason) => Add(new ConfigError(File, (int)mark.Line, (int)mark.Column, reason));

    public void Add(ConfigError error)
    {
        // A problem reached by two routes (e.g. a bad value read by two checks) is reported once.
        if (!_errors.Contains(error))
        {
            _errors.Add(error);
        }
    }

    /// <summary>Throws <see cref="ConfigException"/> with the problems in file order, if there are any.</summary>
    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new ConfigException([.. _errors.OrderBy(e => e.Line).ThenBy(e => e.Column)]);
        }
    }
}
