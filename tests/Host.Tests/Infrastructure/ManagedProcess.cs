// A real Hairpin program as a child process inside a namespace: the appliance (`hairpin bridge
// --config`) or the dumb vswitch (`dumb-vswitch --config`), with its config and management socket in
// a temp directory, so tests drive it exactly as an operator does: through the CLI. Killed by its
// own PID on dispose; its stdout and stderr are kept for failure messages.
using System.Diagnostics;
using System.Text;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed class ManagedProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ManagedProcess(Process process, string directory, string socket, string configFile)
    {
        _process = process;
        Directory = directory;
        Socket = socket;
        ConfigFile = configFile;
    }

    public string Directory { get; }
    public string Socket { get; }
    public string ConfigFile { get; }
    /// <summary>The program's own PID (`ip netns exec` replaces itself with it), for /proc/PID.</summary>
    public int ProcessId => _process.Id;

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

    /// <summary>`hairpin bridge --config` in <paramref name="ns"/> with <paramref name="yaml"/> (a management socket is added).</summary>
    public static Task<ManagedProcess> StartApplianceAsync(string ns, string yaml) =>
        StartAsync(ns, "hairpin.dll", ["bridge", "--config"], ["--log-level", "debug"], WithSocket(yaml, "bridge"), "bridge");

    /// <summary>
    /// `hairpin bridge --config` with a whole file: <paramref name="yaml"/> gets the process's own
    /// directory (for socket paths) and must set management.socket to DIRECTORY/bridge.sock itself.
    /// </summary>
    public static Task<ManagedProcess> StartApplianceAsync(string ns, Func<string, string> yaml) =>
        StartAsync(ns, "hairpin.dll", ["bridge", "--config"], ["--log-level", "debug"], yaml, "bridge");

    /// <summary>`dumb-vswitch --config` in <paramref name="ns"/> with <paramref name="yaml"/> (a management socket is added).</summary>
    public static Task<ManagedProcess> StartVswitchAsync(string ns, string yaml) =>
        StartAsync(ns, "dumb-vswitch.dll", ["--config"], [], WithSocket(yaml, "dumb-vswitch"), "dumb-vswitch");

    /// <summary>`dumb-vswitch --config` with a whole file, as <see cref="StartApplianceAsync(string, Func{string, string})"/> (socket DIRECTORY/dumb-vswitch.sock).</summary>
    public static Task<ManagedProcess> StartVswitchAsync(string ns, Func<string, string> yaml) =>
        StartAsync(ns, "dumb-vswitch.dll", ["--config"], [], yaml, "dumb-vswitch");

    private static Func<string, string> WithSocket(string yaml, string name) => directory => $"{yaml}\nmanagement:\n  socket: {directory}/{name}.sock\n";

    private static async Task<ManagedProcess> StartAsync(string ns, string dll, string[] before, string[] after, Func<string, string> yaml, string name)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"hairpin-{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        string socket = Path.Combine(directory, $"{name}.sock");
        string config = Path.Combine(directory, $"{name}.yaml");
        await File.WriteAllTextAsync(config, yaml(directory));
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.Environment["STATE_DIRECTORY"] = directory;   // the embedded VSI store's file goes with the test's directory, not into /var/lib/hairpin
        foreach (string word in (string[])["netns", "exec", ns, "dotnet", Path.Combine(AppContext.BaseDirectory, dll), .. before, config, .. after])
        {
            start.ArgumentList.Add(word);
        }
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }
        var started = new ManagedProcess(process, directory, socket, config);
        process.ErrorDataReceived += (_, line) => started.Append(line.Data);
        process.OutputDataReceived += (_, line) => started.Append(line.Data);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        DateTime deadline = DateTime.UtcNow + StartTimeout;
        while (!File.Exists(socket) && !process.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        if (process.HasExited || !File.Exists(socket))
        {
            string log = started.Log;
            await started.DisposeAsync();
            throw new InvalidOperationException($"{name} did not start (exited: {process.HasExited}): {log}");
        }
        return started;
    }

    /// <summary>The program's own PID (`ip netns exec` execs it in place), for signals.</summary>
    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>`kill -SIGNAL PID`, as an operator sends it.</summary>
    public Task SignalAsync(string signal) => ProcessRunner.RunAsync("kill", [$"-{signal}", Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

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

    /// <summary>Runs `hairpin --socket S ARGS...` in-process, as the operator would from a shell (the vswitch answers the same CLI).</summary>
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
            await _process.WaitForExitAsync().WaitAsync(StartTimeout);
        }
        _process.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
