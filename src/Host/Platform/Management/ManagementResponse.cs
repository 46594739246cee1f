// One response line: {"ok":true,"result":...} or {"ok":false,"error":"...","errorKind":"...","details":[...]}.
using System.Text.Json;

namespace Hairpin.Host.Management;

public enum ManagementErrorKind
{
    /// <summary>The bridge refused the operation (unknown port, bad value, config file errors).</summary>
    Operation,
    /// <summary>This server does not implement the command (e.g. `fdb` on the dumb vswitch).</summary>
    Unsupported,
    /// <summary>The request line was not valid JSON or not a known command with valid arguments.</summary>
    Malformed,
    /// <summary>The server failed; its log has the exception.</summary>
    Internal,
    /// <summary>Too many connections are open; nothing was read or done. The client may try again.</summary>
    Busy,
}

public sealed record ManagementResponse(
    bool Ok,
    JsonElement? Result,
    string? Error,
    ManagementErrorKind? ErrorKind,
    IReadOnlyList<string>? Details)
{
    public static ManagementResponse Success<TResult>(TResult result) =>
        new(true, JsonSerializer.SerializeToElement(result, ManagementJson.Wire), null, null, null);

    public static ManagementResponse Failure(ManagementErrorKind kind, string error, IReadOnlyList<string>? details = null) =>
        new(false, null, error, kind, details ?? []);
}
