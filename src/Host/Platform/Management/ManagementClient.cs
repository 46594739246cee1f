// The CLI's end of the management socket: connect, send one request line, read one response line.
// Synchronous on purpose: a command-line tool has nothing else to do while it waits.
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Hairpin.Host.Management;

public sealed class ManagementClient(string socketPath)
{
    /// <summary>How long to wait for an answer; a config reload or a trace takes milliseconds, not seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public string SocketPath { get; } = socketPath;

    /// <summary>Sends <paramref name="request"/> and returns the server's answer, success or failure alike.</summary>
    /// <exception cref="ManagementUnreachableException">No answer: no socket, no permission, nobody listening, timeout.</exception>
    public ManagementResponse Send(ManagementRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, ManagementJson.Wire) + "\n");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.SendTimeout = socket.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
        }
        catch (SocketException e)
        {
            throw new ManagementUnreachableException(SocketPath, Describe(e), e);
        }
        string answer;
        try
        {
            socket.Send(line);
            socket.Shutdown(SocketShutdown.Send);
            answer = ReadToEnd(socket);
        }
        catch (SocketException e)
        {
            throw new ManagementUnreachableException(SocketPath, $"no answer: {Describe(e)}", e);
        }
        int newline = answer.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0)
        {
            throw new ManagementUnreachableException(SocketPath, "the server closed the connection without an answer");
        }
        try
        {
            return JsonSerializer.Deserialize<ManagementResponse>(answer.AsSpan(0, newline), ManagementJson.Answers)
                ?? throw new JsonException("null response");
        }
        catch (JsonException e)
        {
            throw new ManagementUnreachableException(SocketPath, $"the answer is not a management response ({e.Message})", e);
        }
    }

    private static string ReadToEnd(Socket socket)
    {
        var bytes = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        int received;
        while ((received = socket.Receive(buffer)) > 0)
        {
            bytes.Write(buffer, 0, received);
        }
        return Encoding.UTF8.GetString(bytes.GetBuffer(), 0, (int)bytes.Length);
    }

    /// <summary>strerror text plus the errno name, as C tools print them (.NET's own messages name neither).</summary>
    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.AddressNotAvailable => "No such file or directory (ENOENT)",   // what .NET makes of connect's ENOENT
        SocketError.AccessDenied => "Permission denied (EACCES)",
        SocketError.ConnectionRefused => "Connection refused (ECONNREFUSED): no server is listening",
        SocketError.TimedOut => "Connection timed out (ETIMEDOUT)",
        SocketError.WouldBlock => "Timed out waiting for the answer (EAGAIN)",
        SocketError.ConnectionReset => "Connection reset by peer (ECONNRESET)",
        SocketError.Shutdown => "Broken pipe (EPIPE)",
        _ => e.Message,
    };
}
