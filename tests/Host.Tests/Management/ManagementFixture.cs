// A real ManagementServer on a Unix socket in a fresh temporary directory, serving a FakeBridgeControl,
// and the `hairpin` entry point run in-process against it.
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Management;

internal sealed class ManagementFixture : IAsyncDisposable
{
    private ManagementFixture(string directory, ManagementServer server, FakeBridgeControl control)
    {
        Directory = directory;
        Server = server;
        Control = control;
    }

    public string Directory { get; }
    public ManagementServer Server { get; }
    public FakeBridgeControl Control { get; }
    public string SocketPath => Server.SocketPath;

    public static ManagementFixture Start(string? group = null)
    {
        string directory = NewDirectory();
        var control = new FakeBridgeControl();
        ManagementServer server = ManagementServer.Start(control, new ManagementConfig { Socket = Path.Combine(directory, "bridge.sock"), Group = group });
        return new ManagementFixture(directory, server, control);
    }

    /// <summary>A new directory under TMPDIR with a short path (a Unix socket path must fit in 108 bytes); the caller removes it.</summary>
    public static string NewDirectory() => System.IO.Directory.CreateTempSubdirectory("hp-").FullName;

    /// <summary>
    /// Leaves a socket file at <paramref name="path"/> that nobody listens on, as a crashed server would.
    /// (Disposing a bound .NET socket unlinks its path, so bind elsewhere and rename.)
    /// </summary>
    public static void CreateStaleSocket(string path)
    {
        string bound = path + ".bound";
        using var socket = new System.Net.Sockets.Socket(
            System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(bound));
        File.Move(bound, path);
    }

    /// <summary>`hairpin --socket PATH ARGS...` with captured output.</summary>
    public (int Exit, string Out, string Error) Run(params string[] args) => RunCli(["--socket", SocketPath, .. args]);

    public static (int Exit, string Out, string Error) RunCli(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        int exit = Cli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}

internal static class ErrorLine
{
    /// <summary>The single line <paramref name="error"/> holds; fails if it holds none or several.</summary>
    public static string Single(string error)
    {
        Assert.EndsWith("\n", error, StringComparison.Ordinal);
        return Assert.Single(error.TrimEnd('\n').Split('\n'));
    }
}
