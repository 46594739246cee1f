// The root demo's processes: short commands (ip, ping) run to completion under a time limit, and the
// two long-running children (the appliance, the dumb vswitch) stopped by their own PID: SIGTERM
// first, so they close their sockets, then SIGKILL if they overstay.
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Hairpin.Host.Demo;

/// <summary>A child process started by the demo. Its output is collected for error messages; thread-safe.</summary>
internal sealed class LabProcess : IAsyncDisposable
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private LabProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

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

    /// <summary>One finished command: its exit code and what it printed.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public bool Succeeded => ExitCode == 0;
    }

    /// <summary>Runs <paramref name="program"/> to completion; killed (by its PID) when it overstays <paramref name="limit"/> or <paramref name="cancel"/> fires.</summary>
    public static async Task<Result> RunAsync(string program, IReadOnlyList<string> arguments, TimeSpan limit, CancellationToken cancel)
    {
        using Process process = Process.Start(StartInfo(program, arguments)) ?? throw new InvalidOperationException($"could not start {program}");
        Task<string> output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancel.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{program} {string.Join(' ', arguments)}' did not finish within {limit.TotalSeconds:0} s");
        }
        return new Result(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    /// <summary>Runs a command that must succeed; its error output becomes the exception's message.</summary>
    public static async Task RunCheckedAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancel)
    {
        Result result = await RunAsync(program, arguments, TimeSpan.FromSeconds(20), cancel).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"'{program} {string.Join(' ', arguments)}' exited with {result.ExitCode}: {result.Error.Trim()}");
        }
    }

    /// <summary>Starts a long-running child; stdout and stderr go to <see cref="Log"/>.</summary>
    /// <param name="stateDirectory">Where the program keeps its state (its VSI store's file): the lab's own directory, removed with it.</param>
    public static LabProcess Start(string name, string program, IReadOnlyList<string> arguments, string? stateDirectory = null)
    {
        ProcessStartInfo start = StartInfo(program, arguments);
        if (stateDirectory is not null)
        {
            start.Environment["STATE_DIRECTORY"] = stateDirectory;
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        var child = new LabProcess(process, name);
        process.OutputDataReceived += (_, line) => child.Append(line.Data);
        process.ErrorDataReceived += (_, line) => child.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>SIGTERM, then SIGKILL after a grace period: the child's own clean shutdown if it manages one.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
            using var grace = new CancellationTokenSource(GracePeriod);
            try
            {
                await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        _process.Dispose();
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

    private static ProcessStartInfo StartInfo(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,   // children never read the demo's terminal
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        return start;
    }

    private const int SigTerm = 15;

#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks; kill(2) is blittable.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
