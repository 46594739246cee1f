// The answer to a successful `config reload`; failures are a ManagementException with file:line details.
namespace Hairpin.Host.Management;

/// <param name="SourceFile">The file that was read.</param>
/// <param name="Notes">What changed or what to know (e.g. "port vm3 added"), one line each; may be empty.</param>
public sealed record ReloadResult(string SourceFile, IReadOnlyList<string> Notes);
