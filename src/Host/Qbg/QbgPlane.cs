// The appliance's 802.1Qbg bridge role: one EvbBridgePort per `evb:` port, fed the frames the engine
// traps there, ticked on its deadlines, and its outcome (negotiated relay, associations) handed to the
// runtime as one QbgState to publish through the overlay. Lives on the forwarding thread: every call
// here comes from it (EngineStage, between batches of the forwarding loop; management through OnForwardingThread), but
// for StatsUnsynchronized, which the metrics call from theirs.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;
using Hairpin.Bridge.Core.Qbg.Lldp;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Qbg.Store;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Qbg;

internal sealed partial class QbgPlane
{
    private readonly EvbBridgePort?[] _ports;
    private readonly string[] _names;
    private readonly Action<int, byte[]> _transmit;
    private readonly Action<QbgState> _publish;
    private readonly ILogger _log;
    private readonly List<byte[]> _frames = [];
    private readonly List<VsiDecision> _decisions = [];
    private QbgState _published = QbgState.None;
    private TimeSpan _lastNow;
    private readonly VsiOwnership? _ownership;
    private readonly Func<TimeSpan> _now;

    /// <param name="config">The running configuration (read at each decision: a reload's types apply at once).</param>
    /// <param name="transmit">Sends a frame out of a port (by index).</param>
    /// <param name="publish">Publishes a changed state through the overlay; may throw if the engine refuses it.</param>
    /// <param name="store">Where VSIs are owned (claims, history, counters); null: no store (unit tests of the plane alone).</param>
    /// <param name="post">Runs an action on the forwarding thread later (the store's answers come back through it).</param>
    public QbgPlane(HostConfig initial, MacAddress bridgeAddress, Func<HostConfig> config, Action<int, byte[]> transmit, Action<QbgState> publish, ILogger log,
        IVsiStore? store = null, Action<Action>? post = null, Func<TimeSpan>? now = null)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _transmit = transmit;
        _publish = publish;
        _log = log;
        _now = now ?? (() => _lastNow);
        if (store is not null)
        {
            _ownership = new VsiOwnership(store, post ?? throw new ArgumentNullException(nameof(post)), ReplayDeferred) { Lost = DropLostClaim };
        }
        _names = [.. initial.Bridge.Ports.Select(port => port.Name)];
        _ports = new EvbBridgePort?[_names.Length];
        foreach (EvbPortConfig evb in initial.Evb)
        {
            int index = initial.Bridge.IndexOf(evb.Port);
            if (index < 0)
            {
                continue;
            }
            var settings = new EvbSettings
            {
                ReflectiveRelay = true,   // RRCAP: a Hairpin port can always reflect; the mode decides whether it does
                Timers = new EvbTimers(evb.MaxRetries, evb.RetransmitExponent, evb.ResourceWaitExponent, evb.KeepAliveExponent),
            };
            var policy = new PortVsiPolicy(evb.Port, config, () => Associations(), _ownership, _now);
            _ports[index] = new EvbBridgePort(PortAddress(bridgeAddress, index), settings, policy, evb.MaxVsis);
        }
    }

    private QbgPlane(int ports)
    {
        _names = [.. Enumerable.Range(0, ports).Select(port => $"port{port}")];
        _ports = new EvbBridgePort?[ports];
        _now = () => TimeSpan.Zero;
        _transmit = (_, _) => { };
        _publish = _ => { };
        _log = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>A plane with no `evb:` port: every trapped frame is only counted.</summary>
    public static QbgPlane Without(int ports) => new(ports);

    /// <summary>The state last handed to the runtime.</summary>
    public QbgState Published => Volatile.Read(ref _published);

    /// <summary>Each port sends from an address of its own (LLDP's chassis and port ID): the bridge's, with the port number folded in.</summary>
    public static MacAddress PortAddress(MacAddress bridge, int port) => new(bridge.Value ^ (ulong)(port + 1));

    /// <summary>
    /// The counters of an `evb:` port's LLDP agent, ECP endpoint and VDP machine, with its VSIs as last
    /// published; null for another port. Any thread: each counter has one writer, the forwarding thread,
    /// and is read whole (64 bits), perhaps a batch behind, as the engine's port counters are.
    /// </summary>
    public QbgPortStats? StatsUnsynchronized(int port) =>
        Port(port) is EvbBridgePort evb ? QbgCounters.Of(evb, Published.Associations.Count(vsi => vsi.Port == _names[port])) : null;

    public bool Runs(int port) => (uint)port < (uint)_ports.Length && _ports[port] is not null;

    public EvbBridgePort? Port(int port) => Runs(port) ? _ports[port] : null;

    public TimeSpan NextDeadline
    {
        get
        {
            TimeSpan next = TimeSpan.MaxValue;
            foreach (EvbBridgePort? port in _ports)
            {
                if (port is not null && port.NextDeadline < next)
                {
                    next = port.NextDeadline;
                }
            }
            return next;
        }
    }

    /// <summary>A frame the engine trapped on an `evb:` port.</summary>
    public void Receive(int port, ReadOnlySpan<byte> frame, TimeSpan now)
    {
        if (_ports[port] is not EvbBridgePort evb)
        {
            return;
        }
        _lastNow = now;
        _frames.Clear();
        _decisions.Clear();
        evb.Receive(frame, now, _frames, _decisions);
        Finish(port);
    }

    /// <summary>Runs every port's due timers.</summary>
    public void Tick(TimeSpan now)
    {
        ReconfirmIfDue(now);
        for (int port = 0; port < _ports.Length; port++)
        {
            if (_ports[port] is EvbBridgePort evb && evb.NextDeadline <= now)
            {
                _lastNow = now;
                _frames.Clear();
                _decisions.Clear();
                evb.Tick(now, _frames, _decisions);
                Finish(port);
            }
        }
    }

    /// <summary>A port's link came up: its LLDP goes out at once and fast (what it sent while down never left).</summary>
    public void LinkUp(int port)
    {
        if (Runs(port))
        {
            _ports[port]!.Link.Lldp.LinkUp();
        }
    }

    /// <summary>LLDP shutdown frames (TTL 0) out of every `evb:` port, so stations drop relay at once.</summary>
    public void Shutdown()
    {
        for (int port = 0; port < _ports.Length; port++)
        {
            if (_ports[port] is EvbBridgePort evb)
            {
                _transmit(port, evb.Link.Shutdown());
            }
        }
    }

    /// <summary>Every VSI associated on any port now, as the overlay binds it.</summary>
    public IReadOnlyList<VsiAssociation> Associations()
    {
        var associations = new List<VsiAssociation>();
        for (int port = 0; port < _ports.Length; port++)
        {
            if (_ports[port] is not EvbBridgePort evb)
            {
                continue;
            }
            associations.AddRange(AssociatedOn(_names[port], evb));
        }
        return associations;
    }

    /// <summary>The VSIs one bridge port holds associated, as the overlay binds them (also the in-process demo's).</summary>
    public static IEnumerable<VsiAssociation> AssociatedOn(string port, EvbBridgePort evb)
    {
        ArgumentNullException.ThrowIfNull(evb);
        return evb.Vdp.Vsis.Where(vsi => vsi.State == VsiState.Associated).Select(vsi => new VsiAssociation(port, vsi.IdText,
            VsiTypeRef.Of(vsi), VsiFilterEntry.Of(vsi.Filters)));
    }

    public IReadOnlyList<LldpNeighborInfo> Neighbors(TimeSpan now)
    {
        var neighbors = new List<LldpNeighborInfo>();
        for (int port = 0; port < _ports.Length; port++)
        {
            if (_ports[port]?.Link.Lldp.Neighbor is LldpNeighbor neighbor)
            {
                neighbors.Add(EvbDescriptions.Neighbor(_names[port], neighbor, now));
            }
        }
        return neighbors;
    }

    /// <summary>Every VSI on every port, with its counters from <paramref name="counters"/> (by VSIID).</summary>
    public IReadOnlyList<VsiInfo> Vsis(TimeSpan now, Func<string, VsiTrafficInfo> counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        var vsis = new List<VsiInfo>();
        for (int port = 0; port < _ports.Length; port++)
        {
            if (_ports[port] is not EvbBridgePort evb)
            {
                continue;
            }
            foreach (VsiRecord vsi in evb.Vdp.Vsis.OrderBy(vsi => vsi.IdText, StringComparer.Ordinal))
            {
                vsis.Add(new VsiInfo(vsi.IdText, EvbDescriptions.Format(vsi.Format), (int)vsi.TypeId, vsi.TypeVersion, vsi.Manager.ToString(),
                    EvbDescriptions.Filter(vsi.Filters), _names[port], State(vsi), null,
                    (now - vsi.AssociatedAt).TotalSeconds, (now - vsi.LastKeepAlive).TotalSeconds, counters(vsi.IdText)));
            }
        }
        return vsis;
    }

    /// <summary>
    /// After a reload: every VSI is asked again under the new types; one the new configuration refuses
    /// (type gone, VLAN changed, manager no longer allowed) is removed and its station told.
    /// </summary>
    public void Revalidate(TimeSpan now, Func<HostConfig> config)
    {
        bool removed = false;
        for (int port = 0; port < _ports.Length; port++)
        {
            if (_ports[port] is not EvbBridgePort evb)
            {
                continue;
            }
            foreach (VsiRecord vsi in evb.Vdp.Vsis.ToList())
            {
                if (VsiTypePolicy.Evaluate(VsiRequestFacts.Of(_names[port], vsi), config(), Associations()) is TypeVerdict.Refused refused)
                {
                    evb.Vdp.Remove(vsi.Id);
                    _ownership?.Release(vsi.IdText, _names[port], $"refused by the configuration: {refused.Reason}");
                    evb.Link.Send(VdpBridge.DeassociateNotice(vsi));
                    LogRemovedByReload(_names[port], vsi.IdText, refused.Reason);
                    removed = true;
                }
            }
            _frames.Clear();
            evb.Link.Tick(now, _frames);
            Send(port);
        }
        if (removed)
        {
            PublishIfChanged(force: true);
        }
    }

    private static string DecisionWords(VsiDecisionKind kind) => kind switch
    {
        VsiDecisionKind.Associated => "associated",
        VsiDecisionKind.PreAssociated => "pre-associated",
        VsiDecisionKind.Changed => "changed",
        VsiDecisionKind.Deassociated => "de-associated",
        _ => "updated",
    };

    private static string State(VsiRecord vsi) => vsi.State switch
    {
        VsiState.Associated => "associated",
        VsiState.PreAssociated => vsi.ResourcesReserved ? "pre-associated-rr" : "pre-associated",
        _ => "de-associated",
    };

    private void Finish(int port)
    {
        foreach (VsiDecision decision in _decisions)
        {
            Log(_names[port], decision);
            if (decision.Kind is VsiDecisionKind.Associated or VsiDecisionKind.Changed)
            {
                LeaveOtherPorts(port, decision.Vsi);
            }
            Record(port, decision);
        }
        PublishIfChanged(force: _decisions.Any(decision => decision.Kind != VsiDecisionKind.Deferred));   // before the answer leaves: the VM's first frame meets its policy
        Send(port);
    }

    /// <summary>
    /// A VM associated here that another port still holds has moved (live migration between two
    /// servers on this bridge): the old port lets it go, and its station is told, before the publish,
    /// so the VM's (MAC, VID) is bound on exactly one port. Its counters go with it (keyed by VSIID).
    /// </summary>
    private void LeaveOtherPorts(int port, VsiRecord vsi)
    {
        for (int other = 0; other < _ports.Length; other++)
        {
            if (other == port || _ports[other] is not EvbBridgePort old || !old.Vdp.TryGet(vsi.Id, out VsiRecord? left))
            {
                continue;
            }
            old.Vdp.Remove(left.Id);
            old.Link.Send(VdpBridge.DeassociateNotice(left));   // ownership moved with the claim the association made
            LogMoved(vsi.IdText, _names[other], _names[port]);
            var frames = new List<byte[]>();
            old.Link.Tick(_lastNow, frames);
            foreach (byte[] frame in frames)
            {
                _transmit(other, frame);
            }
        }
    }

    private void Send(int port)
    {
        foreach (byte[] frame in _frames)
        {
            _transmit(port, frame);
        }
        _frames.Clear();
    }

    private void PublishIfChanged(bool force)
    {
        var relay = new HashSet<string>(StringComparer.Ordinal);
        for (int port = 0; port < _ports.Length; port++)
        {
            if (_ports[port]?.ReflectiveRelay == true)
            {
                relay.Add(_names[port]);
            }
        }
        bool relayChanged = !relay.SetEquals(_published.NegotiatedRelay);
        if (!force && !relayChanged)
        {
            return;
        }
        foreach (string port in relay.Except(_published.NegotiatedRelay))
        {
            LogRelay(port, "granted: the station asked for reflective relay");
        }
        foreach (string port in _published.NegotiatedRelay.Except(relay))
        {
            LogRelay(port, "withdrawn: the station no longer asks for reflective relay");
        }
        var next = new QbgState(relay, Associations());
        try
        {
            _publish(next);
            Volatile.Write(ref _published, next);
        }
        catch (InvalidBridgeConfigException error)
        {
            // The overlay is built from checked parts, so this is a bug, not a user error: keep forwarding
            // under the last good state and say so, never take the forwarding thread down.
            LogPublishRefused(string.Join("; ", error.Errors));
        }
    }

    private void Log(string port, VsiDecision decision)
    {
        if (!_log.IsEnabled(LogLevel.Information))
        {
            return;
        }
        VsiRecord vsi = decision.Vsi;
        string filter = string.Join(",", vsi.Filters.Select(f => f.Mac is { } mac ? $"{mac}@{f.Vid}" : $"vid {f.Vid}"));
        switch (decision.Kind)
        {
            case VsiDecisionKind.Refused:
                LogRefused(port, vsi.IdText, vsi.TypeId, vsi.TypeVersion, filter, VdpStatus.Describe(decision.Error), decision.Reason);
                break;
            case VsiDecisionKind.Expired:
                LogVsi(port, vsi.IdText, "expired: no keep-alive within the window", vsi.TypeId, vsi.TypeVersion, filter);
                break;
            case VsiDecisionKind.Deferred:
                string deferred = "answer deferred: " + decision.Reason;
                LogVsi(port, vsi.IdText, deferred, vsi.TypeId, vsi.TypeVersion, filter);
                break;
            default:
                string what = DecisionWords(decision.Kind);
                LogVsi(port, vsi.IdText, what, vsi.TypeId, vsi.TypeVersion, filter);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "port {Port}: reflective relay {What}")]
    private partial void LogRelay(string port, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "port {Port}: VSI {Vsi} {What} (type {Type} version {Version}, {Filter})")]
    private partial void LogVsi(string port, string vsi, string what, uint type, byte version, string filter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "port {Port}: VSI {Vsi} refused (type {Type} version {Version}, {Filter}): {Status}: {Reason}")]
    private partial void LogRefused(string port, string vsi, uint type, byte version, string filter, string status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "VSI {Vsi} moved from port {From} to port {To}: its bindings left {From}, its counters go on")]
    private partial void LogMoved(string vsi, string from, string to);

    [LoggerMessage(Level = LogLevel.Error, Message = "the engine refused the 802.1Qbg state; the previous one stays: {Errors}")]
    private partial void LogPublishRefused(string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "port {Port}: VSI {Vsi} de-associated by the reloaded configuration: {Reason}")]
    private partial void LogRemovedByReload(string port, string vsi, string reason);
}
