// The bridge's monitor control (BridgeControl over MonitorService) with in-memory ports: a session an
// ACL rule mirrors to cannot be deleted, a live add the file would refuse is refused with every
// reason, a reload starts, restarts and stops the file's sessions and keeps live ones, and stats
// carries each session's counters.
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Runtime;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Tests.Management;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.Host.Tests.Runtime;

public sealed class MonitorControlTests
{
    private const string Sessions =
        """
        acls:
          - name: watch
            rules:
              - { name: web, action: permit, protocol: tcp, dport: 80, mirror: web }
        monitor_sessions:
          - name: web
            destination: { port: mon }

        """;

    [Fact]
    public async Task ASessionAnAclRuleMirrorsToCannotBeDeleted()
    {
        await using var bridge = await Bridge.StartAsync(Sessions);

        var error = await Assert.ThrowsAsync<ManagementException>(() => bridge.Control.DeleteMonitorAsync("web", CancellationToken.None));

        Assert.Equal("monitor session web: acl watch rule web mirrors to it; remove the rule's mirror first", error.Message);
        Assert.Equal(["web"], (await bridge.Control.ShowMonitorsAsync(CancellationToken.None)).Select(session => session.Name));
    }

    [Fact]
    public async Task ALiveAddTheFileWouldRefuseIsRefusedWithEveryReason()
    {
        await using var bridge = await Bridge.StartAsync();
        var session = new MonitorSessionConfig("p1", [new MonitorSourceConfig("mon"), new MonitorSourceConfig("nope")], new MonitorDestinationConfig { Port = "mon", RspanVlan = 5000 });

        var error = await Assert.ThrowsAsync<ManagementException>(() => bridge.Control.AddMonitorAsync(session, CancellationToken.None));

        Assert.Equal("monitor session p1: refused", error.Message);
        Assert.Equal(
            [
                "monitor session name 'p1' is also a port's: an ACL rule's 'mirror: p1' would be ambiguous",
                "port mon is both a source and the destination: its copies would go back out where they came from",
                "no port named 'nope'",
                "rspan vlan 5000 is outside 1..4094",
            ],
            error.Details);
        Assert.Empty(await bridge.Control.ShowMonitorsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AReloadAppliesTheFilesSessionsAndKeepsLiveOnes()
    {
        await using var bridge = await Bridge.StartAsync(Sessions);
        MonitorSessionInfo added = await bridge.Control.AddMonitorAsync(
            new MonitorSessionConfig("live1", [new MonitorSourceConfig("p2", null, MonitorDirection.Rx)], new MonitorDestinationConfig { Port = "mon" }), CancellationToken.None);
        Assert.Equal("live", added.Origin);

        bridge.WriteFile("monitor_sessions:\n  - name: s2\n    sources: [ { port: p1 } ]\n    destination: { port: mon, rspan_vlan: 99 }\n");
        bridge.Control.Reload("test");

        IReadOnlyList<MonitorSessionInfo> sessions = await bridge.Control.ShowMonitorsAsync(CancellationToken.None);
        Assert.Equal([("live1", "live"), ("s2", "config")], sessions.Select(session => (session.Name, session.Origin)));
        Assert.Equal(99, sessions[1].Destination.RspanVlan);
        Assert.Equal(["live1", "s2"], bridge.Runtime.Engine.MirrorSessions.Select(session => session.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StatsCarriesEachSessionWithItsCounters()
    {
        await using var bridge = await Bridge.StartAsync(Sessions);

        BridgeStats stats = await bridge.Control.StatsAsync(CancellationToken.None);

        MonitorSessionInfo web = Assert.Single(stats.Monitors!);
        Assert.Equal(("web", "config", 0L), (web.Name, web.Origin, web.Mirrored));
        Assert.Equal("span to mon", web.Destination.Describe());
    }

    /// <summary>A bridge with ports p1, p2 and mon on in-memory transports, its file, and its control.</summary>
    private sealed class Bridge : IAsyncDisposable
    {
        private readonly string _directory = ManagementFixture.NewDirectory();

        private Bridge()
        {
        }

        public string File => Path.Combine(_directory, "bridge.yaml");
        public BridgeRuntime Runtime { get; private set; } = null!;
        public BridgeControl Control { get; private set; } = null!;

        public static Task<Bridge> StartAsync(string extra = "")
        {
            var bridge = new Bridge();
            bridge.WriteFile(extra);
            HostConfig config = HostConfigLoader.Load(bridge.File);
            bridge.Runtime = BridgeRuntime.Start(config, NullLoggerFactory.Instance, attach => new InMemoryTransport(attach));
            bridge.Control = new BridgeControl(bridge.Runtime, HostConfigLoader.Load, (_, _, _) => throw new NotSupportedException());
            return Task.FromResult(bridge);
        }

        public void WriteFile(string extra) =>
            System.IO.File.WriteAllText(File,
                "ports:\n" + string.Concat(new[] { "p1", "p2", "mon" }.Select(port => $"  - name: {port}\n    attach: {{ stream: {{ listen: {_directory}/{port}.sock }} }}\n"))
                + extra
                + $"management:\n  socket: {_directory}/bridge.sock\n");

        public async ValueTask DisposeAsync()
        {
            await Runtime.DisposeAsync();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
