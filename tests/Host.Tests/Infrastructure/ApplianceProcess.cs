// The real `hairpin bridge --config` as a child process (started inside a namespace), with its
// management socket, so tests drive it exactly as an operator does: through the CLI. Killed by its
// own PID on dispose; its stderr log is kept for failure messages.
using System.Diagnostics;
using System.Text;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed class ApplianceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ApplianceProcess(Process process, string directory, string socket)
    {
        _process = process;
        Directory = directory;
        Socket = socket;
    }

    public string Directory { get; }
    public string Socket { get; }
    public string ConfigFile => Path.Combine(Directory, "bridge.yaml");
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Writes <paramref name="yaml"/> (its management socket is added) and starts the bridge in <paramref name="ns"/>.</summary>
    public static async Task<ApplianceProcess> StartAsync(string ns, string yaml)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"hairpin-appliance-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        string socket = Path.Combine(directory, "bridge.sock");
        await File.WriteAllTextAsync(Path.Combine(directory, "bridge.yaml"), $"{yaml}\nmanagement:\n  socket: {socket}\n");
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string word in new[] { "netns", "exec", ns, "dotnet", Path.Combine(AppContext.BaseDirectory, "hairpin.dll"), "bridge", "--config", Path.Combine(directory, "bridge.yaml"), "--log-level", "debug" })
        {
            start.ArgumentList.Add(word);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the appliance");
        var appliance = new ApplianceProcess(process, directory, socket);
        process.ErrorDataReceived += (_, line) => appliance.Append(line.Data);
        process.OutputDataReceived += (_, line) => appliance.Append(line.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        await Eventually.TrueAsync(() => File.Exists(socket) || process.HasExited, "the appliance's management socket", TimeSpan.FromSeconds(20));
        if (process.HasExited)
        {
            throw new InvalidOperationException($"the appliance exited with {process.ExitCode}: {appliance.Log}");
        }
        return appliance;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    /// <summary>Runs `hairpin --socket S ARGS...` in-process, as the operator would from a shell.</summary>
    public (int Exit, string Output, string Error) Cli(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = Hairpin.Host.Cli.Run(["--socket", Socket, .. args], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
