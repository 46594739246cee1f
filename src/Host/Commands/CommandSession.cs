// One management command's run: its options, where it prints, and its calls to the server. Turns an
// {"ok":false} answer into ServerErrorException so each command reads as straight-line code.
using System.Text.Json;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal sealed class CommandSession(CommandOptions options, TextWriter output)
{
    private readonly ManagementClient _client = new(options.SocketPath);

    public bool Json => options.Json;
    public TextWriter Out => output;

    public TResult Call<TResult>(string command, object? args = null)
    {
        ManagementRequest request = args is null
            ? ManagementRequest.Create(command)
            : new ManagementRequest(ManagementRequest.CurrentVersion, command, JsonSerializer.SerializeToElement(args, args.GetType(), ManagementJson.Wire));
        ManagementResponse response = _client.Send(request);
        if (response is { Ok: false, ErrorKind: ManagementErrorKind.Busy })
        {
            // Nothing was done: like a socket that cannot be reached, worth a retry (exit 3, not 1).
            throw new ManagementUnreachableException(options.SocketPath, response.Error ?? "the server is busy");
        }
        if (!response.Ok)
        {
            throw new ServerErrorException(response.Error ?? "the server reported an error without a message", response.Details ?? []);
        }
        try
        {
            return response.Result is { } result
                ? result.Deserialize<TResult>(ManagementJson.Answers) ?? throw new JsonException("null result")
                : throw new JsonException("no result");
        }
        catch (JsonException e)
        {
            throw new ManagementUnreachableException(options.SocketPath, $"the answer to '{command}' has an unexpected shape ({e.Message})", e);
        }
    }

    /// <summary>What `--json` prints: the DTOs as the protocol carries them, indented, one document.</summary>
    public void PrintJson<T>(T value) => output.WriteLine(JsonSerializer.Serialize(value, ManagementJson.Pretty));

    public void PrintLines(IEnumerable<string> lines)
    {
        foreach (string line in lines)
        {
            output.WriteLine(line);
        }
    }
}
