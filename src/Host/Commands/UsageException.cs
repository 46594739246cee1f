// A command line the CLI cannot make sense of: reported on one line, exit 2, nothing sent to the server.
namespace Hairpin.Host.Commands;

internal sealed class UsageException(string message) : Exception(message);
