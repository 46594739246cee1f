// The real `dumb-vswitch --config` as a child process inside a "hypervisor" namespace, with its
// management socket, read by the real `hairpin --socket ... link show` as an operator would. Killed by
// its own PID on dispose; its log is kept for failure messages.
using System.Diagnostics;
using System.Text;

namespace Hairpin.DumbVswitch.Tests.RealPeers;

internal sealed class VswitchProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private VswitchProcess(Process process, string directory, string socket)
    {
        _process = process;
        Directory = directory;
        Socket = socket;
    }

    public string Directory { get; }
    public string Socket { get; }

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

    /// <summary>Writes <paramref name="yaml"/> (its management socket is added) and starts the vswitch in <paramref name="ns"/>.</summary>
    public static async Task<VswitchProcess> StartAsync(string ns, string yaml)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"hairpin-dvs-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        string socket = Path.Combine(directory, "dvs.sock");
        string config = Path.Combine(directory, "dumb-vswitch.yaml");
        await File.WriteAllTextAsync(config, $"{yaml}\nmanagement:\n  socket: {socket}\n");
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string word in new[] { "netns", "exec", ns, "dotnet", Path.Combine(AppContext.BaseDirectory, "dumb-vswitch.dll"), "--config", config })
        {
            start.ArgumentList.Add(word);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start the dumb vswitch");
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
        var vswitch = new VswitchProcess(process, directory, socket);
        process.ErrorDataReceived += (_, line) => vswitch.Append(line.Data);
        process.OutputDataReceived += (_, line) => vswitch.Append(line.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            DateTime deadline = DateTime.UtcNow.AddSeconds(20);
            while (!File.Exists(socket) && !process.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
            if (process.HasExited || !File.Exists(socket))
            {
                throw new InvalidOperationException($"the dumb vswitch did not start (exited: {process.HasExited}): {vswitch.Log}");
            }
        }
        catch
        {
            await vswitch.DisposeAsync();
            throw;
        }
        return vswitch;
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

    /// <summary>Runs `hairpin --socket S ARGS...` (the same CLI works against the vswitch's socket).</summary>
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
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
