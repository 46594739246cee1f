// An in-memory IBridgeControl: two ports, a few FDB entries, one ACL and one policer, MVRP on both
// ports, and a record of every change asked of it, so tests can check what the CLI sent through the
// real socket.
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Management;

internal sealed class FakeBridgeControl : IBridgeControl, IPortFlagControl, IFdbControl, IAclControl, IReloadControl, ITraceControl, IMonitorControl, IMvrpControl
{
    private static readonly MvrpTimersInfo MvrpDefaultTimers = new(200, 600, 10_000, 1_000, null, 3);

    /// <summary>What `mvrp show` reports, in port order: set it to show other states (empty: no port runs MVRP).</summary>
    public List<MvrpPortInfo> Mvrp { get; set; } =
    [
        new MvrpPortInfo(
            "vm1", "fixed", 1024, [10], [10], [],
            [new MvrpAttributeInfo(10, "qa", "in", null)],
            MvrpDefaultTimers,
            new MvrpCountersInfo(7, 9, new Dictionary<string, long>(), 1, 1, new Dictionary<string, long>(), new Dictionary<string, long>(), 0, 6)),
        new MvrpPortInfo(
            "uplink", "normal", 1024, [10, 20, 21, 22], [10, 40, 41, 42], [40, 41, 42],
            [
                new MvrpAttributeInfo(10, "qa", "in", null),
                new MvrpAttributeInfo(20, "qa", "mt", null),
                new MvrpAttributeInfo(21, "qa", "mt", null),
                new MvrpAttributeInfo(22, "aa", "mt", null),
                new MvrpAttributeInfo(40, "qo", "in", null),
                new MvrpAttributeInfo(41, "qo", "in", null),
                new MvrpAttributeInfo(42, "lo", "lv", 0.35),
            ],
            MvrpDefaultTimers with { NextTransmit = 0.12, NextLeaveAll = 7.3 },
            new MvrpCountersInfo(
                120, 118, new Dictionary<string, long> { ["truncated"] = 2, ["bad-event"] = 1 }, 4, 5,
                new Dictionary<string, long> { ["new"] = 0, ["joinin"] = 300, ["lv"] = 2 },
                new Dictionary<string, long> { ["new"] = 3, ["joinin"] = 290 },
                2, 0, 2, 17)),
    ];

    public Task<IReadOnlyList<MvrpPortInfo>> ShowMvrpAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<MvrpPortInfo>>(Mvrp);
    }

    public List<MonitorSessionConfig> MonitorAdds { get; } = [];
    public List<string> MonitorDeletes { get; } = [];

    public Task<IReadOnlyList<MonitorSessionInfo>> ShowMonitorsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MonitorSessionInfo>>(
        [
            new MonitorSessionInfo("web", "config", [new MonitorSourceConfig("vm1", null, MonitorDirection.Both)], new MonitorDestinationConfig { Port = "analyzer" },
                1200, 96_000, 0, [new DropCount("queue-full", 3)], []),
            new MonitorSessionInfo("ring", "live", [new MonitorSourceConfig(null, "6f1c2a3b-0000-4000-8000-000000000001", MonitorDirection.Rx)], new MonitorDestinationConfig { File = "/var/tmp/r.pcapng" },
                0, 0, 0, [], ["vsi 6f1c2a3b-0000-4000-8000-000000000001 is not associated on this bridge: nothing is mirrored for it until it is"]),
        ]);

    public Task<MonitorSessionInfo> AddMonitorAsync(MonitorSessionConfig session, CancellationToken cancellationToken)
    {
        MonitorAdds.Add(session);
        return Task.FromResult(new MonitorSessionInfo(session.Name, "live", session.Sources, session.Destination, 0, 0, 0, [], []));
    }

    public Task DeleteMonitorAsync(string name, CancellationToken cancellationToken)
    {
        if (name == "nope")
        {
            throw new ManagementException("no monitor session named 'nope'");
        }
        MonitorDeletes.Add(name);
        return Task.CompletedTask;
    }

    public List<PortInfo> Ports { get; } =
    [
        new PortInfo(
            "vm1", PortOperState.Forwarding, null, LinkState.Up,
            new PortFlags(Hairpin: false, Isolated: false, Learning: true, Flood: true, McastFlood: true, BcastFlood: true, BpduGuard: true),
            10, "10", "10", "tap:vnet0", new TrafficCounters(1200, 96000), new TrafficCounters(1100, 88000)),
        new PortInfo(
            "uplink", PortOperState.ErrorDisabled, "bpdu-guard", LinkState.Down,
            new PortFlags(Hairpin: true, Isolated: false, Learning: true, Flood: true, McastFlood: false, BcastFlood: true, BpduGuard: false),
            0, "10,20-30", "", "af-packet:eth1", new TrafficCounters(5, 320), new TrafficCounters(0, 0)),
    ];

    public List<FdbEntryInfo> Fdb { get; } =
    [
        new FdbEntryInfo("52:54:00:00:00:01", "vm1", 10, FdbKind.Learned, 12),
        new FdbEntryInfo("52:54:00:00:00:02", "uplink", 10, FdbKind.Static, 0),
        new FdbEntryInfo("52:54:00:00:00:03", "uplink", 20, FdbKind.Sticky, 300),
    ];

    public List<(string Port, PortFlagChanges Changes, bool Save)> FlagChanges { get; } = [];
    public List<FdbFilter> FdbQueries { get; } = [];
    public List<FdbEntryChange> FdbAdds { get; } = [];
    public List<FdbEntryChange> FdbDeletes { get; } = [];
    public List<(string Port, IReadOnlyList<string> Spec)> Traces { get; } = [];

    /// <summary>When set, Reload fails with these file:line errors.</summary>
    public IReadOnlyList<string>? ReloadErrors { get; set; }

    /// <summary>When set, every call throws it (to see how the server copes).</summary>
    public Exception? Failure { get; set; }

    public Task<IReadOnlyList<PortInfo>> ListPortsAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<PortInfo>>(Ports);
    }

    public Task<PortInfo> SetPortFlagsAsync(string port, PortFlagChanges changes, bool save, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        int index = IndexOf(port);
        FlagChanges.Add((port, changes, save));
        PortFlags flags = Ports[index].Flags;
        Ports[index] = Ports[index] with
        {
            Flags = flags with
            {
                Hairpin = changes.Hairpin ?? flags.Hairpin,
                Isolated = changes.Isolated ?? flags.Isolated,
                Learning = changes.Learning ?? flags.Learning,
                Flood = changes.Flood ?? flags.Flood,
                McastFlood = changes.McastFlood ?? flags.McastFlood,
                BcastFlood = changes.BcastFlood ?? flags.BcastFlood,
                BpduGuard = changes.BpduGuard ?? flags.BpduGuard,
            },
        };
        return Task.FromResult(Ports[index]);
    }

    public Task<IReadOnlyList<FdbEntryInfo>> ShowFdbAsync(FdbFilter filter, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        FdbQueries.Add(filter);
        if (filter.Port is not null)
        {
            IndexOf(filter.Port);
        }
        return Task.FromResult<IReadOnlyList<FdbEntryInfo>>(
            [.. Fdb.Where(entry => (filter.Port is null || entry.Port == filter.Port) && (filter.Vid is null || entry.Vid == filter.Vid))]);
    }

    public Task AddFdbAsync(FdbEntryChange entry, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        IndexOf(entry.Port);
        lock (FdbAdds)
        {
            FdbAdds.Add(entry);   // the server runs requests in parallel
        }
        return Task.CompletedTask;
    }

    public Task DeleteFdbAsync(FdbEntryChange entry, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        IndexOf(entry.Port);
        if (!Fdb.Any(existing => existing.Mac == entry.Mac))
        {
            throw new ManagementException($"no FDB entry for {entry.Mac}");
        }
        FdbDeletes.Add(entry);
        return Task.CompletedTask;
    }

    /// <summary>When set, `stats` waits for it: requests that stay in execution, for tests of the server's bounds.</summary>
    public TaskCompletionSource? StatsGate { get; set; }

    public async Task<BridgeStats> StatsAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        if (StatsGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }
        return new BridgeStats(
            [
                new PortStats(
                    "vm1", new TrafficCounters(1200, 96000), new TrafficCounters(1100, 88000), 1190, 40, 2,
                    [new DropCount("reflective-relay-off", 7), new DropCount("acl-denied", 1)],
                    [new DropCount("egress-queue-full", 3)],
                    [new QueueStats(0, 3, 0, 0), new QueueStats(1, 0, 2, 128), .. IdleQueues(from: 2)],
                    new TrafficCounters(1102, 88160), new LinkEvents(1, 0),
                    []),
                new PortStats(
                    "uplink", new TrafficCounters(5, 320), new TrafficCounters(0, 0), 0, 0, 0,
                    [new DropCount("bpdu-guard", 1), new DropCount("port-error-disabled", 4)], [new DropCount("tx-link-down", 2)], IdleQueues(from: 0),
                    new TrafficCounters(2, 128), new LinkEvents(2, 2),
                    [new ProtectionCount("error-disabled", "bpdu-guard", 1)]),
            ],
            [new PolicerStats("vm1-in", new TrafficCounters(1000, 80000), new TrafficCounters(150, 12000), new TrafficCounters(50, 4000))],
            Reloads);
    }

    /// <summary>What `stats` reports: set it to show reload counts.</summary>
    public ReloadStats Reloads { get; set; } = new(2, 1);

    /// <summary>Classes with nothing queued and no drop, as every class of an idle port is: `stats` leaves them out.</summary>
    private static QueueStats[] IdleQueues(int from) => [.. Enumerable.Range(from, 8 - from).Select(c => new QueueStats(c, 0, 0, 0))];

    public Task<IReadOnlyList<AclInfo>> ShowAclsAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<AclInfo>>(
        [
            new AclInfo(
                "web-in",
                [new AclRuleInfo("allow-http", "permit", new TrafficCounters(900, 720000)), new AclRuleInfo("block-telnet", "deny", new TrafficCounters(3, 180))],
                "deny", new TrafficCounters(12, 840),
                ["rule 'allow-www' is shadowed by 'allow-http' and never matches"]),
            new AclInfo("empty", [], "permit", new TrafficCounters(0, 0), []),
        ]);
    }

    public Task<ReloadResult> ReloadAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return ReloadErrors is { } errors
            ? throw new ManagementException($"{errors.Count} errors in /etc/hairpin/bridge.yaml; the running configuration stays", errors)
            : Task.FromResult(new ReloadResult("/etc/hairpin/bridge.yaml", ["port vm3 added"]));
    }

    public Task<TraceResult> TraceAsync(string port, IReadOnlyList<string> frameSpec, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        IndexOf(port);
        Traces.Add((port, frameSpec));
        return Task.FromResult(new TraceResult(
            ["ingress vm1: vlan 10 (pvid)", "acl web-in: allow-http permits", "fdb: 52:54:00:00:00:02 on uplink"],
            "web-in/allow-http", ["uplink"], null));
    }

    private int IndexOf(string port)
    {
        int index = Ports.FindIndex(candidate => candidate.Name == port);
        return index >= 0 ? index : throw ManagementException.UnknownPort(port);
    }

    private void ThrowIfFailing()
    {
        if (Failure is not null)
        {
            throw Failure;
        }
    }
}
