// An operation the bridge refused, as the operator should read it: the client prints the message on
// one line (and any details after it) and exits 1.
namespace Hairpin.Host.Management;

public sealed class ManagementException : Exception
{
    public ManagementException()
        : this("operation failed")
    {
    }

    public ManagementException(string message)
        : this(message, [])
    {
    }

    public ManagementException(string message, Exception innerException)
        : base(message, innerException)
    {
        Details = [];
    }

    public ManagementException(string message, IReadOnlyList<string> details)
        : base(message)
    {
        Details = details;
    }

    /// <summary>Further lines, e.g. one "file:line: message" per config error; empty for most errors.</summary>
    public IReadOnlyList<string> Details { get; }

    /// <summary>The same words as iproute2 for a device that is not there.</summary>
    public static ManagementException UnknownPort(string name) => new($"cannot find device \"{name}\"");
}
