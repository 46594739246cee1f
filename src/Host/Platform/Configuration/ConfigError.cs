// One problem found in a configuration file, located the way compilers and editors expect
// (`FILE:LINE:COLUMN: reason`), so a terminal or an IDE can jump straight to it.
namespace Hairpin.Host.Configuration;

/// <param name="Line">1-based, as YamlDotNet's marks and editors count.</param>
/// <param name="Column">1-based.</param>
public sealed record ConfigError(string File, int Line, int Column, string Reason)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Reason}";
}
