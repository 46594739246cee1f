// Thrown on the control path when a configuration is refused; the running one stays in force.
namespace Hairpin.Bridge.Core.Configuration;

public sealed class InvalidBridgeConfigException : Exception
{
    public InvalidBridgeConfigException(IReadOnlyList<string> errors)
        : base("bridge configuration rejected: " + string.Join("; ", errors)) => Errors = errors;

    public InvalidBridgeConfigException() : this([]) { }
    public InvalidBridgeConfigException(string message) : base(message) => Errors = [message];
    public InvalidBridgeConfigException(string message, Exception inner) : base(message, inner) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}
