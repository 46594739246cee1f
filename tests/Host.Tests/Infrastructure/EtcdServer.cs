// A real etcd (Debian's etcd-server) for the VSI store's tests: one member on loopback with free client
// and peer ports and a data directory of its own; it can be killed by its PID and started again on the
// same ports and data (a restart, as an operator's or a crash), and is removed with everything when
// the test ends. Missing etcd fails the test with what to install: nothing is skipped. It may run in a
// network namespace, on an address there (appliances in other namespaces reach it over veths).
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed class EtcdServer : IAsyncDisposable
{
    public const string Program = "/usr/bin/etcd";
    public const string Control = "/usr/bin/etcdctl";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly ScratchDirectory _directory;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private EtcdServer(ScratchDirectory directory, int clientPort, int peerPort, string? ns, string address)
    {
        _directory = directory;
        ClientPort = clientPort;
        PeerPort = peerPort;
        Namespace = ns;
        Address = address;
    }

    public int ClientPort { get; }
    public int PeerPort { get; }
    /// <summary>The network namespace etcd runs in; null: the test's own.</summary>
    public string? Namespace { get; }
    public string Address { get; }
    public string Endpoint => string.Create(CultureInfo.InvariantCulture, $"http://{Address}:{ClientPort}");

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

    /// <param name="ns">A network namespace to run it in (it must exist and have <paramref name="address"/>); null: this one.</param>
    public static async Task<EtcdServer> StartAsync(string? ns = null, string address = "127.0.0.1")
    {
        if (!File.Exists(Program) || !File.Exists(Control))
        {
            throw new InvalidOperationException($"etcd is not installed ({Program}, {Control}): install Debian's etcd-server and etcd-client (tests/run-all.sh does, as root)");
        }
        var server = new EtcdServer(ScratchDirectory.Create(), FreePort(), FreePort(), ns, address);
        try
        {
            await server.StartAgainAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    /// <summary>Starts etcd (again) on the same ports and data directory, and waits until it answers.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is not null)
        {
            throw new InvalidOperationException("etcd is running already");
        }
        string peer = string.Create(CultureInfo.InvariantCulture, $"http://{Address}:{PeerPort}");
        var start = new ProcessStartInfo(Namespace is null ? Program : "ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        string[] inNamespace = Namespace is null ? [] : ["netns", "exec", Namespace, Program];   // `ip netns exec` execs in place: the PID is etcd's
        foreach (string word in (string[])[.. inNamespace, "--name", "hp", "--data-dir", _directory.File("data"), "--listen-client-urls", Endpoint, "--advertise-client-urls", Endpoint,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"hp={peer}", "--logger", "zap", "--log-level", "warn"])
        {
            start.ArgumentList.Add(word);
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start etcd");
        process.OutputDataReceived += (_, line) => Append(line.Data);
        process.ErrorDataReceived += (_, line) => Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        DateTime deadline = DateTime.UtcNow + StartTimeout;
        while ((await CtlAsync(check: false, "endpoint", "health")).ExitCode != 0)
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"etcd did not come up on {Endpoint} (exited: {process.HasExited}):\n{Log}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Kills etcd by its PID (as a crash would) and waits until it is gone; its data stays.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(StartTimeout);
        }
        _process.Dispose();
        _process = null;
    }

    /// <summary>`etcdctl --endpoints ENDPOINT ARGS...`; throws when it fails.</summary>
    public Task<ProcessRunner.Result> CtlAsync(params string[] args) => CtlAsync(check: true, args);

    public Task<ProcessRunner.Result> CtlAsync(bool check, params string[] args) => Namespace is null
        ? ProcessRunner.RunAsync(Control, ["--endpoints", Endpoint, "--dial-timeout", "1s", "--command-timeout", "2s", .. args], check)
        : ProcessRunner.RunAsync("ip", ["netns", "exec", Namespace, Control, "--endpoints", Endpoint, "--dial-timeout", "1s", "--command-timeout", "2s", .. args], check);

    /// <summary>etcd's current revision (from `etcdctl endpoint status`).</summary>
    public async Task<long> RevisionAsync()
    {
        string json = (await CtlAsync("endpoint", "status", "-w", "json")).Output;
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement[0].GetProperty("Status").GetProperty("header").GetProperty("revision").GetInt64();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _directory.Dispose();
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
