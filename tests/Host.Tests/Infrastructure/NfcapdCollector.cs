// A real NetFlow/IPFIX collector for the flow-export tests: Debian's nfcapd (package nfdump) listening
// on a UDP port inside a namespace, writing into a directory of the test's own; stopped with SIGTERM
// (it then closes its file), after which nfdump reads what it stored.
using System.Diagnostics;
using System.Globalization;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed class NfcapdCollector : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();

    private NfcapdCollector(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    public string Directory { get; }

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

    public static async Task<NfcapdCollector> StartAsync(string ns, string address, int port, string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string word in (string[])["netns", "exec", ns, "nfcapd", "-w", directory, "-b", address, "-p", port.ToString(CultureInfo.InvariantCulture), "-t", "3600"])
        {
            start.ArgumentList.Add(word);
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start nfcapd");
        var collector = new NfcapdCollector(process, directory);
        process.OutputDataReceived += (_, line) => collector.Append(line.Data);
        process.ErrorDataReceived += (_, line) => collector.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // nfcapd is listening once its socket shows in the namespace.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(await NetLab.InAsync(ns, ["ss", "-Huln", "sport", "=", $":{port}"], check: false)).Output.Contains($":{port}", StringComparison.Ordinal))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await collector.DisposeAsync();
                throw new InvalidOperationException($"nfcapd did not come up in {ns}: {collector.Log}");
            }
            await Task.Delay(100);
        }
        return collector;
    }

    /// <summary>SIGTERM: nfcapd writes out and closes its file, then exits.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }
        await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], check: false);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>`nfdump -R DIR` with the given options, once stopped.</summary>
    public async Task<string> DumpAsync(params string[] options) =>
        (await ProcessRunner.RunAsync("nfdump", ["-R", Directory, .. options])).Output;

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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }
}
