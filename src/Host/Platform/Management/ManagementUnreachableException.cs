// The client could not talk to the server at all: no socket, no permission, nobody listening, or the
// server hung up without an answer. The CLI reports the path and reason and exits 3.
namespace Hairpin.Host.Management;

public sealed class ManagementUnreachableException : Exception
{
    public ManagementUnreachableException()
        : this("", "unreachable")
    {
    }

    public ManagementUnreachableException(string message)
        : this("", message)
    {
    }

    public ManagementUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
        SocketPath = "";
        Reason = message;
    }

    public ManagementUnreachableException(string socketPath, string reason, Exception? innerException = null)
        : base($"cannot reach {socketPath}: {reason}", innerException)
    {
        SocketPath = socketPath;
        Reason = reason;
    }

    public string SocketPath { get; }
    /// <summary>What went wrong, with the errno name where there is one, e.g. "No such file or directory (ENOENT)".</summary>
    public string Reason { get; }
}
