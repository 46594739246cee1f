// Runs a command for a test (ip, python3, tcpdump) with a time limit, killing it (by its own process)
// if it overstays, and fails the test with its output when it exits non-zero.
using System.Diagnostics;

namespace Hairpin.Host.Tests.Infrastructure;

public static class ProcessRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>Runs to completion; throws when it fails or overstays unless <paramref name="check"/> is false.</summary>
    public static async Task<Result> RunAsync(string program, IEnumerable<string> arguments, bool check = true, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Describe(start)} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds} s");
        }
        var result = new Result(process.ExitCode, await output, await error);
        if (check && result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Describe(start)} exited with {result.ExitCode}: {result.Error.Trim()} {result.Output.Trim()}");
        }
        return result;
    }

    private static string Describe(ProcessStartInfo start) => $"'{start.FileName} {string.Join(' ', start.ArgumentList)}'";
}
