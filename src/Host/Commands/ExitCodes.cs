// Exit codes of the commands that talk to a running bridge; scripts branch on them.
namespace Hairpin.Host.Commands;

internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>The server refused or failed the operation (unknown port, config errors, ...).</summary>
    public const int OperationFailed = 1;
    /// <summary>The command line is wrong; nothing was sent.</summary>
    public const int UsageError = 2;
    /// <summary>The management socket could not be reached or gave no answer.</summary>
    public const int Unreachable = 3;
}
