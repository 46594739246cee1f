// `hairpin config reload` against a bridge running in-process with its real management socket and
// metrics endpoint: every setting of the file is applied live, or named as needing a restart, or the
// reload is refused whole; a refusal is one structured log line and a count in `stats` and metrics.
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Hairpin.Host.Appliance;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Metrics;
using Hairpin.Host.Runtime;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Tests.Management;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.Host.Tests.Runtime;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]   // the management socket's access is Unix permissions
public sealed class ReloadTests
{
    [Fact]
    public async Task AChangedManagementGroupChangesTheSocketsGroupAndModeLive()
    {
        await using var bridge = RunningBridge.Start();
        Assert.Equal(UnixSocketAccess.OwnerOnly, File.GetUnixFileMode(bridge.Socket));

        bridge.WriteFile(group: "daemon");
        Assert.Equal(0, bridge.Cli("config", "reload").Exit);
        Assert.Equal(UnixSocketAccess.OwnerAndGroup, File.GetUnixFileMode(bridge.Socket));
        Assert.Equal(UnixSocketAccess.GroupId("daemon"), GroupOf(bridge.Socket));

        bridge.WriteFile();
        Assert.Equal(0, bridge.Cli("config", "reload").Exit);
        Assert.Equal(UnixSocketAccess.OwnerOnly, File.GetUnixFileMode(bridge.Socket));
    }

    [Fact]
    public async Task AChangedManagementSocketIsNamedAsNeedingARestartAndTheRestIsApplied()
    {
        await using var bridge = RunningBridge.Start();
        string elsewhere = Path.Combine(bridge.Directory, "other.sock");

        bridge.WriteFile(socket: elsewhere, hairpin: true);
        (int exit, string output, string error) = bridge.Cli("config", "reload");

        Assert.Equal((0, ""), (exit, error));
        Assert.Contains($"management.socket: needs a restart (the socket stays {bridge.Socket}, not {elsewhere}); the rest was applied", output, StringComparison.Ordinal);
        Assert.True(bridge.Runtime.Config.Bridge.Ports[0].Hairpin);
        Assert.Equal(bridge.Socket, bridge.Runtime.Config.Management.Socket);
        Assert.False(File.Exists(elsewhere));
        Assert.Contains(bridge.Log.Lines, line => line.Level == LogLevel.Warning && line.Message.Contains("management.socket: needs a restart", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AChangedPrometheusEndpointMovesLiveAndARemovedOneStops()
    {
        await using var bridge = RunningBridge.Start();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        int first = FreePort();
        int second = FreePort();

        bridge.WriteFile(prometheus: $"127.0.0.1:{first}");
        Assert.Equal(0, bridge.Cli("config", "reload").Exit);
        Assert.Contains("hairpin_port_rx_frames_total", await http.GetStringAsync(MetricsAt(first)), StringComparison.Ordinal);

        bridge.WriteFile(prometheus: $"127.0.0.1:{second}");
        Assert.Equal(0, bridge.Cli("config", "reload").Exit);
        Assert.Contains("hairpin_port_rx_frames_total", await http.GetStringAsync(MetricsAt(second)), StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(MetricsAt(first)));

        bridge.WriteFile();
        Assert.Equal(0, bridge.Cli("config", "reload").Exit);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync(MetricsAt(second)));
    }

    [Fact]
    public async Task APrometheusPortInUseRefusesTheWholeReloadByName()
    {
        await using var bridge = RunningBridge.Start();
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        bridge.WriteFile(prometheus: $"127.0.0.1:{port}", hairpin: true, group: "daemon");
        (int exit, _, string error) = bridge.Cli("config", "reload");

        Assert.Equal(1, exit);
        Assert.Contains($"metrics.prometheus: cannot serve on 127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Contains("nothing changed", error, StringComparison.Ordinal);
        Assert.False(bridge.Runtime.Config.Bridge.Ports[0].Hairpin);
        Assert.Null(bridge.Runtime.Config.Metrics.Prometheus);
        Assert.Equal(UnixSocketAccess.OwnerOnly, File.GetUnixFileMode(bridge.Socket));   // the group change prepared first was undone
    }

    [Fact]
    public async Task ARefusedReloadIsAStructuredLogLineAndCountedInStatsAndMetrics()
    {
        await using var bridge = RunningBridge.Start();
        File.WriteAllText(bridge.File, "a: { b: c\nd: e\n");

        (int exit, _, string error) = bridge.Cli("config", "reload");

        Assert.Equal(1, exit);
        string location = $"{bridge.File}:2:1: YAML syntax: cannot read past here";
        Assert.Contains($"  {location}", error, StringComparison.Ordinal);
        CapturedLine refusal = Assert.Single(bridge.Log.Lines, line => line.Message.Contains("refused", StringComparison.Ordinal));
        (LogLevel level, string message) = (refusal.Level, refusal.Message);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains("(config reload)", message, StringComparison.Ordinal);
        Assert.Contains(location, message, StringComparison.Ordinal);

        using JsonDocument stats = JsonDocument.Parse(bridge.Cli("--json", "stats").Output);
        Assert.Equal(1, stats.RootElement.GetProperty("reloads").GetProperty("refused").GetInt64());
        Assert.Equal(0, stats.RootElement.GetProperty("reloads").GetProperty("applied").GetInt64());
        Assert.Contains("RELOADS-REFUSED", bridge.Cli("stats").Output, StringComparison.Ordinal);
        Assert.Contains("hairpin_config_reloads_total{result=\"refused\"} 1", PrometheusText.Collect(BridgeMetrics.MeterName), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAclRuleThatCanNeverMatchIsANoteOfTheReloadAsAtStart()
    {
        await using var bridge = RunningBridge.Start();
        bridge.WriteFile(extra: "acls:\n  - name: a\n    rules:\n      - { name: any, action: permit }\n      - { name: never, action: deny, protocol: tcp }\n");

        (int exit, string output, _) = bridge.Cli("config", "reload");

        Assert.Equal(0, exit);
        Assert.Contains("warning:", output, StringComparison.Ordinal);
        Assert.Contains("never", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// A guard for the next setting someone adds: each HostConfig member is either published to the
    /// engine, compared for a restart, or applied by ApplianceServices; a new one must be placed here
    /// (and in ApplianceServices or BridgeRuntime.Apply) or a reload would silently ignore it again.
    /// </summary>
    [Fact]
    public void EveryHostConfigSettingIsOneAReloadHandles()
    {
        static string[] Members(Type type) => [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).Order(StringComparer.Ordinal)];

        Assert.Equal(["Attachments", "Bridge", "Evb", "FlowExport", "Management", "Metrics", "MonitorSessions", "Mvrp", "SourceFile", "Store", "VsiTypes", "Warnings"], Members(typeof(HostConfig)));
        Assert.Equal(["Group", "Socket"], Members(typeof(ManagementConfig)));
        Assert.Equal(["Prometheus"], Members(typeof(MetricsConfig)));
    }

    private static Uri MetricsAt(int port) => new($"http://127.0.0.1:{port}/metrics");

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static uint GroupOf(string path) =>
        uint.Parse(ProcessRunner.RunAsync("stat", ["-c", "%g", path]).GetAwaiter().GetResult().Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The appliance's pieces as BridgeCommand wires them, with in-memory ports.</summary>
    private sealed class RunningBridge : IAsyncDisposable
    {
        private ApplianceServices _services = null!;
        private ManagementServer _server = null!;
        private BridgeMetrics _metrics = null!;

        private RunningBridge(string directory)
        {
            Directory = directory;
            File = Path.Combine(directory, "bridge.yaml");
            Socket = Path.Combine(directory, "bridge.sock");
        }

        public string Directory { get; }
        public string File { get; }
        public string Socket { get; }
        public BridgeRuntime Runtime { get; private set; } = null!;
        public CapturingLogger Log { get; } = new();

        public static RunningBridge Start()
        {
            var bridge = new RunningBridge(ManagementFixture.NewDirectory());
            bridge.WriteFile();
            HostConfig config = HostConfigLoader.Load(bridge.File);
            bridge._services = ApplianceServices.Start(config, BridgeMetrics.MeterName);
            bridge.Runtime = BridgeRuntime.Start(config, NullLoggerFactory.Instance, attach => new InMemoryTransport(attach));
            bridge._metrics = new BridgeMetrics(bridge.Runtime);
            var control = new BridgeControl(bridge.Runtime, HostConfigLoader.Load, (_, _, _) => throw new NotSupportedException(), PortSave.Prepare, bridge._services, bridge.Log.Factory.CreateLogger("hairpin.config"));
            bridge._server = ManagementServer.Start(control, config.Management);
            return bridge;
        }

        public void WriteFile(string? socket = null, string? group = null, string? prometheus = null, bool hairpin = false, string extra = "") =>
            System.IO.File.WriteAllText(File,
                $"ports:\n  - name: p1\n    attach: {{ stream: {{ listen: {Directory}/p1.sock }} }}\n    hairpin: {(hairpin ? "true" : "false")}\n"
                + $"  - name: p2\n    attach: {{ stream: {{ listen: {Directory}/p2.sock }} }}\n"
                + $"loop_detection: false\n{extra}"
                + $"management:\n  socket: {socket ?? Socket}\n" + (group is null ? "" : $"  group: {group}\n")
                + (prometheus is null ? "" : $"metrics:\n  prometheus: \"{prometheus}\"\n"));

        public (int Exit, string Output, string Error) Cli(params string[] args) => ManagementFixture.RunCli(["--socket", Socket, .. args]);

        public async ValueTask DisposeAsync()
        {
            await _server.DisposeAsync();
            _metrics.Dispose();
            await Runtime.DisposeAsync();
            await _services.DisposeAsync();
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
