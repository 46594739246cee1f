// Thrown by the config loaders with every problem in the file, not just the first: fixing a file one
// error per run is the tedium this saves.
namespace Hairpin.Host.Configuration;

public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(string.Join(Environment.NewLine, errors)) => Errors = errors;

    public ConfigException() : this([]) { }
    public ConfigException(string message) : base(message) => Errors = [];
    public ConfigException(string message, Exception inner) : base(message, inner) => Errors = [];

    /// <summary>In file order.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }
}
