// tcpdump inside a test namespace, inbound frames only, for a bounded time: started and listening
// before the test sends, then read once it has stopped by itself (SIGINT after the limit).
using System.Diagnostics;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal sealed class PacketCapture : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;

    private PacketCapture(Process process)
    {
        _process = process;
        _output = process.StandardOutput.ReadToEndAsync();
    }

    /// <summary>Starts `tcpdump -Q in -e` on <paramref name="interfaceName"/> for <paramref name="seconds"/> at most.</summary>
    public static async Task<PacketCapture> StartAsync(NetNamespace ns, string interfaceName, string filter, int seconds)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["netns", "exec", ns.Name, "timeout", "-s", "INT", $"{seconds}",
            "tcpdump", "-Q", "in", "-l", "-nn", "-e", "-i", interfaceName, filter])
        {
            start.ArgumentList.Add(argument);
        }
        var capture = new PacketCapture(Process.Start(start) ?? throw new InvalidOperationException("could not start tcpdump"));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (await capture._process.StandardError.ReadLineAsync(limit.Token) is string line)
            {
                if (line.Contains("listening on", StringComparison.Ordinal))
                {
                    return capture;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        capture.Dispose();
        throw new InvalidOperationException($"tcpdump in {ns.Name} did not start listening on {interfaceName}");
    }

    /// <summary>Waits for the capture to end (its time limit) and returns one line per frame.</summary>
    public async Task<string[]> FramesAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (await _output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
