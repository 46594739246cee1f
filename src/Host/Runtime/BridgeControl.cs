// The management socket's view of a running bridge (IBridgeControl): reads and changes go through the
// runtime, engine work that is not thread-safe runs on the forwarding thread, and every refusal is a
// ManagementException worded for the operator. Reloads (socket or SIGHUP) and `link set --save` are
// all or nothing: refused, they change neither the running bridge nor the file.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;
using Hairpin.Host.Configuration;
using Hairpin.Host.Flows;
using Hairpin.Host.Management;
using Hairpin.Host.Qbg;
using Hairpin.Host.Qbg.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Runtime;

/// <param name="loadConfig">Reads the config file; throws ConfigException (or ManagementException) with file:line:column errors.</param>
/// <param name="prepareSave">`link set --save`: readies the file's rewrite for the configuration about to run and one port; null: saving is refused.</param>
/// <param name="services">What a reload may change around the engine; null: the engine alone.</param>
public sealed partial class BridgeControl(
    BridgeRuntime runtime,
    Func<string, HostConfig> loadConfig,
    Func<BridgeEngine, int, IReadOnlyList<string>, TraceResult> trace,
    Func<HostConfig, string, PreparedChange>? prepareSave = null,
    IServiceReload? services = null,
    ILogger? log = null) : IBridgeControl, ICaptureControl, IPortFlagControl, IFdbControl, IAclControl, IReloadControl, ITraceControl, IQbgControl, IVsiHistoryControl, IMvrpControl
{
    /// <summary>How a reload was asked for, in its log lines.</summary>
    public const string SocketTrigger = "config reload";

    private readonly ILogger _log = log ?? NullLogger.Instance;

    public async Task<IReadOnlyList<PortInfo>> ListPortsAsync(CancellationToken cancellationToken) =>
        await runtime.OnForwardingThread(engine => (IReadOnlyList<PortInfo>)[.. Enumerable.Range(0, runtime.Ports.Count).Select(port => Describe(engine, port))]).ConfigureAwait(false);

    public async Task<PortInfo> SetPortFlagsAsync(string port, PortFlagChanges changes, bool save, CancellationToken cancellationToken)
    {
        int index = IndexOf(port);
        if (save && prepareSave is null)
        {
            throw new ManagementException($"port {port}: nothing changed: this bridge cannot write its config file back");
        }
        string file = runtime.Config.SourceFile;
        EvbPortConfig? evb = runtime.Config.Evb.FirstOrDefault(e => e.Port == port);
        HairpinMode? mode = changes.HairpinAuto == true ? HairpinMode.Auto : changes.Hairpin is bool pinned ? (pinned ? HairpinMode.On : HairpinMode.Off) : null;
        if (changes.HairpinAuto == true && evb is null)
        {
            throw new ManagementException($"port {port}: hairpin auto follows the 802.1Qbg negotiation, and this port has no evb: (use on or off)");
        }
        if (evb is not null && mode is HairpinMode hairpinMode)
        {
            if (save)
            {
                throw new ManagementException($"port {port}: nothing changed: the hairpin mode of an evb: port is not saved by link set; edit 'hairpin:' in {file} (auto, true or false)");
            }
            runtime.ChangeHairpinMode(port, hairpinMode);
            changes = changes with { Hairpin = null, HairpinAuto = null };
        }
        try
        {
            if (!changes.IsEmpty)
            {
                runtime.ChangePort(port, current => Apply(current, changes), save ? next => PrepareSave(next, port) : null);
            }
        }
        catch (InvalidBridgeConfigException error)
        {
            throw new ManagementException($"port {port}: the change was refused", error.Errors);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // The file could not be put in place after the engine took the change: the change was undone.
            throw new ManagementException($"port {port}: nothing changed: cannot write {file}: {error.Message}");
        }
        if (changes.State is not null)
        {
            await runtime.OnForwardingThread(engine => engine.RecoverPort(index)).ConfigureAwait(false);   // setting a state clears error-disable, as `shutdown`/`no shutdown` does
        }
        return await runtime.OnForwardingThread(engine => Describe(engine, index)).ConfigureAwait(false);
    }

    /// <summary>The file's rewrite, readied before anything changes; a file that does not load as it stands refuses the whole change.</summary>
    private PreparedChange PrepareSave(HostConfig next, string port)
    {
        try
        {
            return prepareSave!(next, port);
        }
        catch (ConfigException error)
        {
            throw new ManagementException($"port {port}: nothing changed: {next.SourceFile} has errors, so the change cannot be saved into it",
                [.. error.Errors.Select(e => e.ToString())]);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new ManagementException($"port {port}: nothing changed: cannot write {next.SourceFile}: {error.Message}");
        }
        catch (InvalidOperationException error)
        {
            // PortFlagWriter's own check of its rewrite failed: the file is left as it is.
            throw new ManagementException($"port {port}: nothing changed: {error.Message}");
        }
    }

    public async Task<IReadOnlyList<FdbEntryInfo>> ShowFdbAsync(FdbFilter filter, CancellationToken cancellationToken)
    {
        int? port = filter.Port is null ? null : IndexOf(filter.Port);
        return await runtime.OnForwardingThread(engine =>
        {
            uint now = engine.ClockSecond;
            return (IReadOnlyList<FdbEntryInfo>)[.. engine.Fdb.Snapshot()
                .Where(entry => (port is null || entry.Port == port) && (filter.Vid is null || entry.Vid == filter.Vid))
                .OrderBy(entry => entry.Port).ThenBy(entry => entry.Vid).ThenBy(entry => entry.Mac.Value)
                .Select(entry => new FdbEntryInfo(entry.Mac.ToString(), runtime.Ports[entry.Port].PortName, entry.Vid, KindOf(entry.Kind), now - entry.LastSeenSecond))];
        }).ConfigureAwait(false);
    }

    public async Task AddFdbAsync(FdbEntryChange entry, CancellationToken cancellationToken)
    {
        (int port, int vid, MacAddress mac) = Resolve(entry);
        FdbEntryKind kind = entry.Kind == FdbKind.Sticky ? FdbEntryKind.Sticky : FdbEntryKind.Static;
        bool added = await runtime.OnForwardingThread(engine => engine.AddFdbEntry(vid, mac, port, kind)).ConfigureAwait(false);
        if (!added)
        {
            throw new ManagementException($"fdb add {mac} dev {entry.Port} vlan {vid}: the table has no room for another operator entry");
        }
    }

    public async Task DeleteFdbAsync(FdbEntryChange entry, CancellationToken cancellationToken)
    {
        (_, int vid, MacAddress mac) = Resolve(entry);
        bool removed = await runtime.OnForwardingThread(engine => engine.Fdb.Remove(vid, mac)).ConfigureAwait(false);
        if (!removed)
        {
            throw new ManagementException($"fdb del {mac} vlan {vid}: no such entry");
        }
    }

    public async Task<BridgeStats> StatsAsync(CancellationToken cancellationToken) =>
        (await runtime.OnForwardingThread(engine =>
        {
            (List<VmStats> vms, VmOverflowStats? other) = Vms(engine);
            return new BridgeStats(
                [.. Enumerable.Range(0, runtime.Ports.Count).Select(port => StatsOf(engine, port))],
                [.. runtime.Config.Bridge.Meters.Select(meter => engine.Policer(meter.Name)).OfType<Policer>().Select(policer => new PolicerStats(
                    policer.Config.Name, Colored(policer, MeterColor.Green), Colored(policer, MeterColor.Yellow), Colored(policer, MeterColor.Red)))],
                new ReloadStats(runtime.Reloads.Applied, runtime.Reloads.Refused),
                vms, other, FlowExport: FlowExportStatsOf(runtime.FlowExport),
                Flows: FlowRows.Of(engine.FlowMonitor, port => port < runtime.Ports.Count ? runtime.Ports[port].PortName : $"#{port}"));
        }).ConfigureAwait(false))
        with { Monitors = runtime.Monitors.Show() };   // off the forwarding thread: the sessions' lock may wait on a file being written

    /// <summary>Forwarding thread: the per-VM rows (VmRows).</summary>
    private (List<VmStats> Rows, VmOverflowStats? Other) Vms(BridgeEngine engine) => VmRows.Of(runtime, engine);

    private static FlowExportStats? FlowExportStatsOf(FlowExporter? export) => export is null ? null : new FlowExportStats(
        export.Monitor.ActiveFlows, export.Monitor.ExportedFlows, export.Monitor.EvictedFlows, export.Monitor.LostRecords,
        export.SentRecords, export.Messages, export.FailedSends);

    public async Task<IReadOnlyList<AclInfo>> ShowAclsAsync(CancellationToken cancellationToken) =>
        await runtime.OnForwardingThread(engine => (IReadOnlyList<AclInfo>)[.. runtime.Config.Bridge.Acls.Select(acl => engine.Acl(acl.Name) is CompiledAcl compiled
            ? new AclInfo(acl.Name,
                [.. acl.Rules.Select((rule, i) => new AclRuleInfo(rule.Name, Verdict(rule.Verdict), new TrafficCounters(compiled.HitFrames(i), compiled.HitBytes(i))))],
                Verdict(acl.DefaultVerdict),
                new TrafficCounters(compiled.HitFrames(acl.Rules.Count), compiled.HitBytes(acl.Rules.Count)),
                compiled.Warnings)
            : new AclInfo(acl.Name, [.. acl.Rules.Select(rule => new AclRuleInfo(rule.Name, Verdict(rule.Verdict), new TrafficCounters(0, 0)))],
                Verdict(acl.DefaultVerdict), new TrafficCounters(0, 0), ["not bound to any port or VM: not compiled"]))]).ConfigureAwait(false);

    public Task<ReloadResult> ReloadAsync(CancellationToken cancellationToken) => Task.FromResult(Reload(SocketTrigger));

    /// <summary>
    /// Rereads the config file and applies it whole, or refuses it whole: the running configuration
    /// keeps forwarding. Either way one structured log line and one count; the only exception out of
    /// here is a ManagementException worded for the operator (file:line:column details for file errors).
    /// </summary>
    /// <param name="trigger">How it was asked for ("SIGHUP", <see cref="SocketTrigger"/>), for the log.</param>
    public ReloadResult Reload(string trigger)
    {
        string file = runtime.Config.SourceFile;
        try
        {
            ReloadResult result = LoadAndApply(file);
            runtime.Reloads.CountApplied();
            LogReloaded(_log, trigger, file, result.Notes.Count);
            foreach (string note in result.Notes)
            {
                LogReloadNote(_log, trigger, file, note);
            }
            return result;
        }
        catch (ManagementException error)
        {
            runtime.Reloads.CountRefused();
            LogReloadRefused(_log, trigger, file, error.Message, string.Join("; ", error.Details));
            throw;
        }
#pragma warning disable CA1031 // A reload must never take the bridge down: whatever failed, the running configuration stays and the operator is told.
        catch (Exception error)
#pragma warning restore CA1031
        {
            runtime.Reloads.CountRefused();
            LogReloadFailed(_log, error, trigger, file);
            throw new ManagementException($"{file}: reload failed ({error.GetType().Name}: {error.Message}); the running configuration stays");
        }
    }

    private ReloadResult LoadAndApply(string file)
    {
        HostConfig loaded;
        try
        {
            loaded = loadConfig(file);
        }
        catch (ConfigException error)
        {
            throw new ManagementException($"{file}: rejected, the running configuration stays", [.. error.Errors.Select(e => e.ToString())]);
        }
        (HostConfig next, IReadOnlyList<string> kept) = services?.KeepWhatNeedsARestart(runtime.Config, loaded) ?? (loaded, []);
        try
        {
            runtime.Apply(next, services is null ? null : services.Prepare);
        }
        catch (InvalidOperationException error)
        {
            throw new ManagementException(error.Message);
        }
        catch (InvalidBridgeConfigException error)
        {
            throw new ManagementException($"{file}: rejected, the running configuration stays", error.Errors);
        }
        // ACL rules that can never match do not stop a reload, but the operator should hear of them, as at start.
        return new ReloadResult(file, [.. kept, .. next.Warnings.Select(warning => warning.ToString())]);
    }

    public async Task<TraceResult> TraceAsync(string port, IReadOnlyList<string> frameSpec, CancellationToken cancellationToken)
    {
        int index = IndexOf(port);
        return await runtime.OnForwardingThread(engine => trace(engine, index, frameSpec)).ConfigureAwait(false);
    }

    private int IndexOf(string port) =>
        runtime.PortIndex(port) is int index and >= 0 ? index : throw ManagementException.UnknownPort(port);

    private (int Port, int Vid, MacAddress Mac) Resolve(FdbEntryChange entry)
    {
        int port = IndexOf(entry.Port);
        if (!MacAddress.TryParse(entry.Mac, out MacAddress mac) || mac.IsGroup || mac.IsZero)
        {
            throw new ManagementException($"\"{entry.Mac}\" is not a unicast MAC address");
        }
        PortConfig config = runtime.Config.Bridge.Ports[port];
        int vid = entry.Vid ?? config.Vlans.Pvid;
        if (vid is < 1 or > 4094 || !config.Vlans.Members.Contains(vid))
        {
            throw new ManagementException($"vlan {vid} is not a VLAN of port {entry.Port} ({config.Vlans})");
        }
        return (port, vid, mac);
    }

    private PortInfo Describe(BridgeEngine engine, int port)
    {
        PortConfig config = engine.Config.Ports[port];   // as forwarding: the operator's settings with 802.1Qbg's overlay
        PortStatus status = engine.Status(port);
        LinkCounters link = runtime.Ports[port].Counters;
        PortOperState state = status.Probing ? PortOperState.Probing : status.IsErrorDisabled ? PortOperState.ErrorDisabled : config.State switch
        {
            PortState.Disabled => PortOperState.Disabled,
            PortState.Blocking => PortOperState.Blocking,
            _ => PortOperState.Forwarding,
        };
        return new PortInfo(
            config.Name,
            state,
            status.IsErrorDisabled ? KebabNames.Of(status.Cause) : null,
            runtime.Ports[port].IsUp ? LinkState.Up : LinkState.Down,
            new PortFlags(config.Hairpin, config.Isolated, config.Learning, config.UnknownUnicastFlood, config.MulticastFlood, config.BroadcastFlood, config.BpduGuard),
            config.Vlans.Pvid,
            config.Vlans.Members.ToString(),
            config.Vlans.Untagged.ToString(),
            runtime.Config.Attachments[port].Attach.Describe(),
            new TrafficCounters(link.RxFrames, link.RxBytes),
            new TrafficCounters(link.TxFrames, link.TxBytes),
            EvbOf(port, config),
            runtime.Ports[port].IsUp ? null : runtime.Ports[port].DownReason);
    }

    private PortEvbInfo? EvbOf(int port, PortConfig config)
    {
        EvbPortConfig? evb = runtime.Config.Evb.FirstOrDefault(e => e.Port == config.Name);
        if (evb is null || runtime.Qbg.Port(port) is not { } control)
        {
            return null;
        }
        string mode = evb.Hairpin switch
        {
            HairpinMode.Auto => "auto",
            HairpinMode.On => "on",
            _ => "off",
        };
        return new PortEvbInfo(mode, control.ReflectiveRelay, config.Vsi.Bindings.Select(binding => binding.Vsi).Distinct().Count());
    }

    /// <summary>Every MVRP port (`mvrp show`); none when the file has no `mvrp:` port.</summary>
    public async Task<IReadOnlyList<MvrpPortInfo>> ShowMvrpAsync(CancellationToken cancellationToken) =>
        runtime.Mvrp is { } mvrp ? await runtime.OnForwardingThread(_ => mvrp.Show(runtime.ControlTime)).ConfigureAwait(false) : [];

    public async Task<IReadOnlyList<LldpNeighborInfo>> LldpNeighborsAsync(CancellationToken cancellationToken) =>
        await runtime.OnForwardingThread(_ => runtime.Qbg.Neighbors(runtime.ControlTime)).ConfigureAwait(false);

    /// <summary>
    /// The VSIs on this bridge's ports, with the appliance the store knows this one as; then, from the
    /// store, those another appliance holds, with the counters the store totals for them.
    /// </summary>
    public async Task<IReadOnlyList<VsiInfo>> ShowVsisAsync(CancellationToken cancellationToken)
    {
        var live = new Dictionary<string, VsiCountersSnapshot>(StringComparer.Ordinal);
        IReadOnlyList<VsiInfo> here = await runtime.OnForwardingThread(engine => runtime.Qbg.Vsis(runtime.ControlTime, vsi =>
        {
            VsiCountersSnapshot counts = engine.VsiCounters(vsi)?.Snapshot() ?? VsiCountersSnapshot.Empty;
            live[vsi] = counts;
            return Traffic(counts);
        })).ConfigureAwait(false);
        if (runtime.VsiStore is not IVsiStore store)
        {
            return here;
        }
        List<VsiInfo> vsis = [.. here.Select(vsi => store.SharedBySite ? vsi with { Appliance = store.Appliance } : vsi)];
        IReadOnlyList<StoredVsi> stored;
        try
        {
            stored = await store.ListAsync(cancellationToken).WaitAsync(StoreListPatience, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is TimeoutException or Grpc.Core.RpcException)
        {
            return vsis;   // the store is slow or away: this bridge's own VSIs are still worth showing
        }
        // A VSI that came here from another appliance counts on: what the others counted of it, plus this engine's live counts.
        Dictionary<string, StoredVsi> byId = stored.ToDictionary(vsi => vsi.VsiId, StringComparer.Ordinal);
        for (int i = 0; i < vsis.Count; i++)
        {
            if (byId.TryGetValue(vsis[i].VsiId, out StoredVsi? entry) && live.TryGetValue(vsis[i].VsiId, out VsiCountersSnapshot? counts))
            {
                VsiCountersSnapshot total = entry.Segments.Where(segment => segment.Key != store.Appliance)
                    .Aggregate(counts, (sum, segment) => sum.Plus(segment.Value));
                vsis[i] = vsis[i] with { Counters = Traffic(total) };
            }
        }
        HashSet<string> local = [.. here.Select(vsi => vsi.VsiId)];
        DateTimeOffset now = DateTimeOffset.UtcNow;
        vsis.AddRange(stored
            .Where(vsi => vsi.Appliance != store.Appliance && vsi.State != "de-associated" && !local.Contains(vsi.VsiId))
            .Select(vsi => new VsiInfo(vsi.VsiId, VsiIdFormatOf(vsi.VsiId), vsi.Type.Id, vsi.Type.Version, null,
                [.. vsi.Filter.Select(entry => new VsiFilterInfo(entry.Mac.IsZero ? null : entry.Mac.ToString(), entry.Vid))],
                vsi.Port, vsi.State, null, Math.Max(0, (now - vsi.Since).TotalSeconds), null, Traffic(vsi.Counters), vsi.Appliance)));
        return vsis;
    }

    /// <summary>The VSI's moves from the store; a bridge running without one has none to show.</summary>
    public async Task<IReadOnlyList<VsiMoveInfo>> VsiHistoryAsync(string vsiId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vsiId);
        IVsiStore store = runtime.VsiStore
            ?? throw new ManagementException("this bridge has no VSI store open (store: in its config): it keeps no VSI history");
        IReadOnlyList<VsiMove> moves = await store.HistoryAsync(VsiIdText(vsiId), cancellationToken).ConfigureAwait(false);
        return [.. moves.Select(move => new VsiMoveInfo(move.At, move.From, move.To, move.Request))];
    }

    private static readonly TimeSpan StoreListPatience = TimeSpan.FromSeconds(3);

    /// <summary>A VSIID as `vsi show` prints it: a UUID in lower case with dashes, the rest lower case.</summary>
    private static string VsiIdText(string typed) =>
        Guid.TryParseExact(typed, "D", out Guid uuid) ? uuid.ToString("D") : typed.ToLowerInvariant();

    /// <summary>The VSIID format its printed form shows (VsiId.ToString writes each format its own way).</summary>
    private static string VsiIdFormatOf(string vsiId) =>
        Guid.TryParseExact(vsiId, "D", out _) ? "uuid"
        : MacAddress.TryParse(vsiId, out _) && vsiId.Length == 17 ? "mac"
        : System.Net.IPAddress.TryParse(vsiId, out System.Net.IPAddress? address) && vsiId.Contains('.', StringComparison.Ordinal) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? "ipv4"
        : vsiId.Contains(':', StringComparison.Ordinal) && System.Net.IPAddress.TryParse(vsiId, out _) ? "ipv6"
        : "local";

    /// <summary>A VSI's own counters (frames from the VM in, to it out; drops both ways, by reason).</summary>
    private static VsiTrafficInfo TrafficOf(BridgeEngine engine, string vsi) => Traffic(engine.VsiCounters(vsi)?.Snapshot());

    private static VsiTrafficInfo Traffic(VsiCountersSnapshot? counts) => VsiTraffic.Of(counts ?? VsiCountersSnapshot.Empty);

    private PortStats StatsOf(BridgeEngine engine, int port)
    {
        PortCounters counters = engine.Counters(port);
        EgressScheduler scheduler = engine.Egress(port);
        PortQueues queues = runtime.Ports[port];
        LinkCounters link = queues.Counters;
        // Losses outside the engine (rx-*, tx-*) go in the same lists, so one table shows every frame.
        List<DropCount> ingress = Drops(counters.Dropped);
        List<DropCount> egress = Drops(counters.EgressDropped);
        for (int reason = 0; reason < LinkDropReasons.Count; reason++)
        {
            var drop = (LinkDropReason)reason;
            AddIfAny(LinkDropReasons.IsReceive(drop) ? ingress : egress, LinkDropReasons.Name(drop), link.Dropped(drop));
        }
        return new PortStats(
            queues.PortName,
            new TrafficCounters(link.RxFrames, link.RxBytes),
            new TrafficCounters(link.TxFrames, link.TxBytes),
            counters.Forwarded,
            counters.Flooded,
            counters.Trapped,
            ingress,
            egress,
            [.. Enumerable.Range(0, EgressSchedulerConfig.Classes).Select(c => new QueueStats(c, scheduler.TailDrops(c), scheduler.QueuedFrames(c), scheduler.QueuedBytes(c)))],
            new TrafficCounters(counters.TxFrames, counters.TxBytes),
            new LinkEvents(link.LinkUps, link.LinkDowns),
            ProtectionCounts(counters),
            runtime.Qbg.StatsUnsynchronized(port));
    }

    /// <summary>The port's protection events that happened at least once, by event and cause.</summary>
    internal static List<ProtectionCount> ProtectionCounts(PortCounters counters)
    {
        var counts = new List<ProtectionCount>();
        foreach (ErrorDisableCause cause in Enum.GetValues<ErrorDisableCause>().Where(cause => cause != ErrorDisableCause.None))
        {
            AddIfAny(counts, "error-disabled", KebabNames.Of(cause), counters.ErrorDisabledFor(cause));
            AddIfAny(counts, "recovered", KebabNames.Of(cause), counters.RecoveredFrom(cause));
        }
        AddIfAny(counts, "mac-move-damped", "mac-move-damping", counters.MovesDamped);
        AddIfAny(counts, "storm-dropping", "storm-control", counters.StormEpisodes);
        return counts;
    }

    private static void AddIfAny(List<ProtectionCount> counts, string protectionEvent, string cause, long count)
    {
        if (count != 0)
        {
            counts.Add(new ProtectionCount(protectionEvent, cause, count));
        }
    }

    private static List<DropCount> Drops(ReadOnlySpan<long> byReason)
    {
        var drops = new List<DropCount>();
        for (int reason = 0; reason < byReason.Length; reason++)
        {
            AddIfAny(drops, DropReasons.Name((DropReason)reason), byReason[reason]);
        }
        return drops;
    }

    private static void AddIfAny(List<DropCount> drops, string reason, long frames)
    {
        if (frames != 0)
        {
            drops.Add(new DropCount(reason, frames));
        }
    }

    private static PortConfig Apply(PortConfig port, PortFlagChanges changes) => port with
    {
        Hairpin = changes.Hairpin ?? port.Hairpin,
        Isolated = changes.Isolated ?? port.Isolated,
        Learning = changes.Learning ?? port.Learning,
        UnknownUnicastFlood = changes.Flood ?? port.UnknownUnicastFlood,
        MulticastFlood = changes.McastFlood ?? port.MulticastFlood,
        BroadcastFlood = changes.BcastFlood ?? port.BroadcastFlood,
        BpduGuard = changes.BpduGuard ?? port.BpduGuard,
        State = changes.State switch
        {
            PortAdminState.Forwarding => PortState.Forwarding,
            PortAdminState.Blocking => PortState.Blocking,
            PortAdminState.Disabled => PortState.Disabled,
            _ => port.State,
        },
    };

    private static FdbKind KindOf(FdbEntryKind kind) => kind switch
    {
        FdbEntryKind.Static => FdbKind.Static,
        FdbEntryKind.Sticky => FdbKind.Sticky,
        _ => FdbKind.Learned,
    };

    private static TrafficCounters Colored(Policer policer, MeterColor color) => new(policer.Frames(color), policer.Bytes(color));

    private static string Verdict(AclVerdict verdict) => verdict == AclVerdict.Permit ? "permit" : "deny";

    [LoggerMessage(Level = LogLevel.Information, Message = "configuration reloaded from {File} ({Trigger}), {NoteCount} notes")]
    private static partial void LogReloaded(ILogger log, string trigger, string file, int noteCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "configuration reload note ({Trigger}) for {File}: {Note}")]
    private static partial void LogReloadNote(ILogger log, string trigger, string file, string note);

    [LoggerMessage(Level = LogLevel.Warning, Message = "configuration reload of {File} refused ({Trigger}): {Reason} {Errors}")]
    private static partial void LogReloadRefused(ILogger log, string trigger, string file, string reason, string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "configuration reload of {File} failed ({Trigger}); the running configuration stays")]
    private static partial void LogReloadFailed(ILogger log, Exception exception, string trigger, string file);
}
