// The server answered {"ok":false}: its message (and any details, e.g. config file errors) reach the
// operator as they are, exit 1.
namespace Hairpin.Host.Commands;

internal sealed class ServerErrorException(string message, IReadOnlyList<string> details) : Exception(message)
{
    public IReadOnlyList<string> Details { get; } = details;
}
