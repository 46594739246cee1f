// One request line on the management socket: {"version":1,"command":"link.set","args":{...}}.
// The command names and their argument records are listed in ManagementCommands and specs/cli.md.
using System.Text.Json;

namespace Hairpin.Host.Management;

/// <param name="Args">Optional on the wire: a command whose arguments are all optional may leave it out, as specs/cli.md shows.</param>
public sealed record ManagementRequest(int Version, string Command, JsonElement? Args = null)
{
    public const int CurrentVersion = 1;

    public static ManagementRequest Create<TArgs>(string command, TArgs args) =>
        new(CurrentVersion, command, JsonSerializer.SerializeToElement(args, ManagementJson.Wire));

    public static ManagementRequest Create(string command) => new(CurrentVersion, command, null);
}
