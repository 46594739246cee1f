// The management socket's view of a running bridge (IBridgeControl): reads and changes go through the
// runtime, engine work that is not thread-safe runs on the forwarding thread, and every refusal is a
// ManagementException worded for the operator.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Runtime;

public sealed class BridgeControl(
    BridgeRuntime runtime,
    Func<string, HostConfig> loadConfig,
    Func<BridgeEngine, int, IReadOnlyList<string>, TraceResult> trace,
    Action<HostConfig, string>? saveConfig = null) : IBridgeControl
{
    public async Task<IReadOnlyList<PortInfo>> ListPortsAsync(CancellationToken cancellationToken) =>
        await runtime.OnForwardingThread(engine => (IReadOnlyList<PortInfo>)[.. Enumerable.Range(0, runtime.Ports.Count).Select(port => Describe(engine, port))]).ConfigureAwait(false);

    public async Task<PortInfo> SetPortFlagsAsync(string port, PortFlagChanges changes, bool save, CancellationToken cancellationToken)
    {
        int index = IndexOf(port);
        try
        {
            runtime.ChangePort(port, current => Apply(current, changes));
        }
        catch (InvalidBridgeConfigException error)
        {
            throw new ManagementException($"port {port}: the change was refused", error.Errors);
        }
        if (changes.State is not null)
        {
            await runtime.OnForwardingThread(engine => engine.RecoverPort(index)).ConfigureAwait(false);   // setting a state clears error-disable, as `shutdown`/`no shutdown` does
        }
        if (save)
        {
            if (saveConfig is null)
            {
                throw new ManagementException($"port {port}: changed, but this bridge cannot write its config file back");
            }
            saveConfig(runtime.Config, port);
        }
        return await runtime.OnForwardingThread(engine => Describe(engine, index)).ConfigureAwait(false);
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
        await runtime.OnForwardingThread(engine => new BridgeStats(
            [.. Enumerable.Range(0, runtime.Ports.Count).Select(port => StatsOf(engine, port))],
            [.. runtime.Config.Bridge.Meters.Select(meter => engine.Policer(meter.Name)).OfType<Policer>().Select(policer => new PolicerStats(
                policer.Config.Name, Colored(policer, MeterColor.Green), Colored(policer, MeterColor.Yellow), Colored(policer, MeterColor.Red)))])).ConfigureAwait(false);

    public async Task<IReadOnlyList<AclInfo>> ShowAclsAsync(CancellationToken cancellationToken) =>
        await runtime.OnForwardingThread(engine => (IReadOnlyList<AclInfo>)[.. runtime.Config.Bridge.Acls.Select(acl => engine.Acl(acl.Name) is CompiledAcl compiled
            ? new AclInfo(acl.Name,
                [.. acl.Rules.Select((rule, i) => new AclRuleInfo(rule.Name, Verdict(rule.Verdict), new TrafficCounters(compiled.HitFrames(i), compiled.HitBytes(i))))],
                Verdict(acl.DefaultVerdict),
                new TrafficCounters(compiled.HitFrames(acl.Rules.Count), compiled.HitBytes(acl.Rules.Count)),
                compiled.Warnings)
            : new AclInfo(acl.Name, [.. acl.Rules.Select(rule => new AclRuleInfo(rule.Name, Verdict(rule.Verdict), new TrafficCounters(0, 0)))],
                Verdict(acl.DefaultVerdict), new TrafficCounters(0, 0), ["not bound to any port or VM: not compiled"]))]).ConfigureAwait(false);

    public Task<ReloadResult> ReloadAsync(CancellationToken cancellationToken)
    {
        string file = runtime.Config.SourceFile;
        HostConfig next = loadConfig(file);   // throws ManagementException with file:line details
        try
        {
            runtime.Apply(next);
        }
        catch (InvalidOperationException error)
        {
            throw new ManagementException(error.Message);
        }
        catch (InvalidBridgeConfigException error)
        {
            throw new ManagementException($"{file}: rejected, the running configuration stays", error.Errors);
        }
        return Task.FromResult(new ReloadResult(file, []));
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
        PortConfig config = runtime.Config.Bridge.Ports[port];
        PortStatus status = engine.Status(port);
        LinkCounters link = runtime.Ports[port].Counters;
        PortOperState state = status.IsErrorDisabled ? PortOperState.ErrorDisabled : config.State switch
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
            new TrafficCounters(link.TxFrames, link.TxBytes));
    }

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
            new LinkEvents(link.LinkUps, link.LinkDowns));
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
}
