// The appliance's MVRP participant (802.1Q clause 11): one MrpParticipant per `mvrp:` port inside the
// MAP context MvrpBridge keeps, fed the MVRPDUs the engine traps there, ticked on its deadlines, told
// which VIDs this appliance needs itself (MvrpNeeds), and its registrations handed to the runtime as an
// MvrpState to publish through MvrpOverlay. A New heard or passed on has the engine flush that port's
// learned entries in the VID (802.1Q 11.2.5). Lives on the forwarding thread, as QbgPlane does: every
// call comes from it (EngineStage between batches; management through OnForwardingThread).
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mrp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Mvrp;

internal sealed partial class MvrpPlane
{
    private static readonly MvrpError[] Errors = Enum.GetValues<MvrpError>();

    private readonly MvrpBridge _bridge;
    private readonly MvrpPortConfig?[] _ports;
    private readonly string[] _names;
    private readonly MacAddress[] _addresses;
    private readonly MrpTimers _timers;
    private readonly Func<HostConfig> _config;
    private readonly Action<int, byte[]> _transmit;
    private readonly Action<MvrpState> _publish;
    private readonly ILogger _log;
    private readonly MvrpMessage _received = new();
    private readonly List<(int Port, MvrpMessage Message)> _toSend = [];
    private readonly List<byte[]> _frames = [];
    private readonly List<VidFlush> _vidFlushes = [];
    private readonly long[] _vlanFlushes;
    private readonly long[] _entriesFlushed;
    private readonly long[][] _malformed;
    private readonly long[] _pdusReceived;
    private readonly long[] _pdusSent;
    private MvrpState _published = MvrpState.None;

    /// <param name="config">The running configuration (its static VLANs tell dynamic registrations apart).</param>
    /// <param name="transmit">Sends a frame out of a port (by index).</param>
    /// <param name="publish">Publishes changed registrations; may throw if the engine refuses them.</param>
    /// <param name="random">Draws the LeaveAll jitter.</param>
    public MvrpPlane(HostConfig initial, MacAddress bridgeAddress, Func<HostConfig> config, Action<int, byte[]> transmit, Action<MvrpState> publish,
        ILogger log, Random random)
    {
        ArgumentNullException.ThrowIfNull(initial);
        _config = config;
        _transmit = transmit;
        _publish = publish;
        _log = log;
        _names = [.. initial.Bridge.Ports.Select(port => port.Name)];
        _ports = new MvrpPortConfig?[_names.Length];
        _addresses = new MacAddress[_names.Length];
        _malformed = [.. _names.Select(_ => new long[Errors.Length])];
        _pdusReceived = new long[_names.Length];
        _pdusSent = new long[_names.Length];
        _vlanFlushes = new long[_names.Length];
        _entriesFlushed = new long[_names.Length];
        _timers = initial.Mvrp?.Timers ?? MrpTimers.Default;
        _bridge = new MvrpBridge(_names.Length);
        foreach (MvrpPortConfig port in initial.Mvrp?.Ports ?? [])
        {
            int index = initial.Bridge.IndexOf(port.Port);
            if (index < 0)
            {
                continue;
            }
            _ports[index] = port;
            _addresses[index] = Qbg.QbgPlane.PortAddress(bridgeAddress, index);   // the port's own source address, as LLDP's
            var participant = new MrpParticipant(_timers, port.Registrar, port.MaxVids, random);
            if (port.Registrar == RegistrarMode.Fixed)
            {
                participant.SetFixed(initial.Bridge.Ports[index].Vlans.Members.Vids);
            }
            _bridge.AddPort(index, participant);
        }
    }

    /// <summary>
    /// Removes the learned entries of a VID on a port (port, VID; returns how many went): the engine's
    /// <c>FlushLearnedInVlan</c>, called on the forwarding thread as everything here is.
    /// </summary>
    public required Func<int, int, int> FlushLearnedInVlan { get; init; }

    /// <summary>The registrations last handed to the runtime.</summary>
    public MvrpState Published => Volatile.Read(ref _published);

    public bool Runs(int port) => (uint)port < (uint)_ports.Length && _ports[port] is not null;

    public TimeSpan NextDeadline => _bridge.NextDeadline;

    /// <summary>Every MVRP port not running yet starts (Begin!): nothing registered, its needs declared anew.</summary>
    public void Start(TimeSpan now)
    {
        for (int port = 0; port < _ports.Length; port++)
        {
            LinkUp(port, now);
        }
    }

    /// <summary>
    /// A port's link came up: its participant begins, so the neighbour hears every declaration at once.
    /// Once only until the link goes down: whoever notices first (the start, the link watch, or an
    /// MVRPDU heard on the port, which proves the link up) begins it, and the others must not begin it
    /// again, which would drop what it registered meanwhile.
    /// </summary>
    public void LinkUp(int port, TimeSpan now)
    {
        if (Runs(port) && !_bridge.IsUp(port))
        {
            _bridge.LinkUp(port, now);
            Flush(now);
        }
    }

    /// <summary>A port's link went down: what was registered there goes at once (802.1Q: a port out of the topology registers nothing), and it sends nothing until it comes up.</summary>
    public void LinkDown(int port, TimeSpan now)
    {
        if (Runs(port) && _bridge.IsUp(port))
        {
            _bridge.LinkDown(port, now);
            Flush(now);
        }
    }

    /// <summary>The VIDs this appliance needs itself (MvrpNeeds), declared on every MVRP port.</summary>
    public void Need(IEnumerable<int> vids, TimeSpan now)
    {
        _bridge.SetLocalVids(vids, now);
        Flush(now);
    }

    /// <summary>An MVRPDU the engine trapped on a port; a malformed one is counted by reason and changes nothing.</summary>
    public void Receive(int port, ReadOnlySpan<byte> frame, TimeSpan now)
    {
        if (!Runs(port))
        {
            return;
        }
        MvrpError error = MvrpPdu.Decode(frame, _received);
        if (error != MvrpError.None)
        {
            _malformed[port][(int)error]++;
            LogMalformedPdu(port, error);
            return;
        }
        _pdusReceived[port]++;
        LinkUp(port, now);   // heard before the link watch noticed the link: it is up
        _bridge.ReceiveMessage(port, _received, now);
        Flush(now);
    }

    /// <summary>Runs the due timers (transmit opportunities, leave timers, LeaveAll, periodic).</summary>
    public void Tick(TimeSpan now)
    {
        if (_bridge.NextDeadline <= now)
        {
            Flush(now);
        }
    }

    /// <summary>An MVRP port's counters for the metrics; null for another port. Any thread (see MvrpPortStats).</summary>
    public MvrpPortStats? StatsUnsynchronized(int port)
    {
        if (!Runs(port) || _bridge.Participant(port) is not MrpParticipant participant)
        {
            return null;
        }
        MrpCounters counters = participant.Counters;
        long malformed = 0;
        foreach (long count in _malformed[port])
        {
            malformed += count;
        }
        return new MvrpPortStats(Volatile.Read(ref _pdusReceived[port]), Volatile.Read(ref _pdusSent[port]), malformed, counters.LeaveAllReceived, counters.LeaveAllSent,
            counters.RegistrationsRefused, counters.DeclarationsIgnored, Published.On(_names[port]).Count,
            Volatile.Read(ref _vlanFlushes[port]), Volatile.Read(ref _entriesFlushed[port]));
    }

    /// <summary>Every MVRP port as `mvrp show` reports it.</summary>
    public IReadOnlyList<MvrpPortInfo> Show(TimeSpan now)
    {
        HostConfig config = _config();
        var ports = new List<MvrpPortInfo>();
        for (int port = 0; port < _ports.Length; port++)
        {
            if (_ports[port] is not MvrpPortConfig settings || _bridge.Participant(port) is not MrpParticipant participant)
            {
                continue;
            }
            List<int> declared = [.. participant.DeclaredVids.Order()];
            List<int> registered = [.. participant.RegisteredVids.Order()];
            VlanSet statics = config.Bridge.Ports[port].Vlans.Members;
            List<MvrpAttributeInfo> attributes = [.. declared.Union(registered).Order().Select(vid => new MvrpAttributeInfo(vid,
                participant.ApplicantOf(vid).ToString().ToLowerInvariant(), participant.RegistrarOf(vid).ToString().ToLowerInvariant(),
                participant.LeaveTimerOf(vid, now)?.TotalSeconds))];
            MrpCounters counters = participant.Counters;
            ports.Add(new MvrpPortInfo(_names[port], settings.Registrar.ToString().ToLowerInvariant(), settings.MaxVids, declared, registered,
                [.. registered.Where(vid => !statics.Contains(vid))], attributes,
                new MvrpTimersInfo(_timers.Join.TotalMilliseconds, _timers.Leave.TotalMilliseconds, _timers.LeaveAll.TotalMilliseconds, _timers.Periodic.TotalMilliseconds,
                    Until(participant.NextTransmit, now), Until(participant.NextLeaveAll, now)),
                new MvrpCountersInfo(_pdusReceived[port], _pdusSent[port], MalformedOf(port), counters.LeaveAllReceived, counters.LeaveAllSent,
                    EventsOf(counters.EventsReceived), EventsOf(counters.EventsSent), counters.RegistrationsRefused, counters.DeclarationsIgnored,
                    _vlanFlushes[port], _entriesFlushed[port])));
        }
        return ports;
    }

    private static double? Until(TimeSpan? at, TimeSpan now) => at is TimeSpan due ? Math.Max(0, (due - now).TotalSeconds) : null;

    private Dictionary<string, long> MalformedOf(int port) =>
        Errors.Where(error => error != MvrpError.None && _malformed[port][(int)error] > 0).ToDictionary(KebabName, error => _malformed[port][(int)error], StringComparer.Ordinal);

    private static Dictionary<string, long> EventsOf(IReadOnlyList<long> counts) =>
        Enum.GetValues<MrpAttributeEvent>().ToDictionary(KebabName, attributeEvent => counts[(int)attributeEvent], StringComparer.Ordinal);

    private static string KebabName<T>(T value) where T : struct, Enum => Bridge.Core.Counters.KebabNames.Of(value);

    /// <summary>Sends what the machines have to say now, flushes what News asked for, then publishes the registrations if they changed.</summary>
    private void Flush(TimeSpan now)
    {
        _toSend.Clear();
        _bridge.Tick(now, _toSend);
        FlushLearnedEntries();
        foreach ((int port, MvrpMessage message) in _toSend)
        {
            _frames.Clear();
            MvrpPdu.Encode(_addresses[port], message, _frames);
            foreach (byte[] frame in _frames)
            {
                _pdusSent[port]++;
                _transmit(port, frame);
            }
        }
        if (_bridge.TakeMembershipChange())
        {
            PublishRegistrations();
        }
    }

    /// <summary>
    /// 802.1Q 11.2.5: a New heard on a port, or passed on to it, says the topology for that VID changed
    /// there, so what the port learned in the VID goes now rather than an ageing time later.
    /// </summary>
    private void FlushLearnedEntries()
    {
        _vidFlushes.Clear();
        _bridge.TakeFlushes(_vidFlushes);
        foreach (VidFlush flush in _vidFlushes)
        {
            int removed = FlushLearnedInVlan(flush.Port, flush.Vid);
            _vlanFlushes[flush.Port]++;
            _entriesFlushed[flush.Port] += removed;
            if (flush.Heard)
            {
                LogNewHeard(_names[flush.Port], flush.Vid, removed);
            }
            else
            {
                LogNewPassedOn(_names[flush.Port], flush.Vid, removed);
            }
        }
    }

    private void PublishRegistrations()
    {
        HostConfig config = _config();
        var registered = new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal);
        for (int port = 0; port < _ports.Length; port++)
        {
            if (!Runs(port))
            {
                continue;
            }
            VlanSet statics = config.Bridge.Ports[port].Vlans.Members;
            int[] dynamic = [.. _bridge.RegisteredOn(port).Where(vid => !statics.Contains(vid)).Order()];
            if (dynamic.Length > 0)
            {
                registered[_names[port]] = dynamic;
            }
        }
        var next = new MvrpState(registered);
        MvrpState previous = Published;
        if (next.Equals(previous))
        {
            return;
        }
        LogChanges(previous, next);
        try
        {
            _publish(next);
            Volatile.Write(ref _published, next);
        }
        catch (InvalidBridgeConfigException error)
        {
            LogPublishRefused(string.Join("; ", error.Errors));   // a bug, not a user error: keep forwarding under the last good state
        }
    }

    private void LogChanges(MvrpState previous, MvrpState next)
    {
        if (!_log.IsEnabled(LogLevel.Information))
        {
            return;
        }
        foreach (string port in _names)
        {
            IReadOnlyList<int> before = previous.On(port);
            IReadOnlyList<int> after = next.On(port);
            if (after.Except(before).ToArray() is { Length: > 0 } added)
            {
                string vids = new VlanSet(added).ToString();
                LogRegistered(port, vids);
            }
            if (before.Except(after).ToArray() is { Length: > 0 } removed)
            {
                string vids = new VlanSet(removed).ToString();
                LogDeregistered(port, vids);
            }
        }
    }

    private void LogMalformedPdu(int port, MvrpError error)
    {
        if (!_log.IsEnabled(LogLevel.Debug))
        {
            return;
        }
        string reason = KebabName(error);
        LogMalformed(_names[port], reason);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "port {Port}: MVRP registered VLAN {Vids}: a neighbour declares it, the port carries it")]
    private partial void LogRegistered(string port, string vids);

    [LoggerMessage(Level = LogLevel.Information, Message = "port {Port}: MVRP deregistered VLAN {Vids}: no neighbour declares it any more, the port no longer carries it")]
    private partial void LogDeregistered(string port, string vids);

    [LoggerMessage(Level = LogLevel.Information, Message = "port {Port}: MVRP New for VLAN {Vid} heard (the topology beyond the port changed): {Entries} learned entries of VLAN {Vid} on the port flushed")]
    private partial void LogNewHeard(string port, int vid, int entries);

    [LoggerMessage(Level = LogLevel.Information, Message = "port {Port}: MVRP New for VLAN {Vid} passed on from another port: {Entries} learned entries of VLAN {Vid} on the port flushed")]
    private partial void LogNewPassedOn(string port, int vid, int entries);

    [LoggerMessage(Level = LogLevel.Debug, Message = "port {Port}: malformed MVRPDU dropped: {Reason}")]
    private partial void LogMalformed(string port, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "the engine refused MVRP's registrations; the previous ones stay: {Errors}")]
    private partial void LogPublishRefused(string errors);
}
