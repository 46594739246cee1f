// The bridge's mirroring sessions as the operator sees them: those from the file (`monitor_sessions:`,
// started with the bridge and on each reload) and those added live (`hairpin monitor add`, kept until
// restart unless the file later names one the same). Each becomes an engine MirrorSession: port names
// resolved to indexes, a VSI source to its MAC and VLAN on the port it is associated on (looked up
// again every second, so a VSI that associates or moves is followed; the counters carry over), and a
// file destination to a capture ring this service drains into rotating pcapng files (PcapFileRing).
// Threading: the methods may be called from any thread (a lock keeps the session table); the drain
// and VSI loop runs on its own task. The engine is touched only through its thread-safe Start/StopMirror.
using System.Net;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mirroring;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Runtime.Monitoring;

internal sealed partial class MonitorService : IAsyncDisposable
{
    public const string FromFile = "config";
    public const string Live = "live";
    private const int RingSlots = 4096;
    private static readonly TimeSpan DrainPeriod = TimeSpan.FromMilliseconds(100);
    private const int DrainsPerVsiLookup = 10;

    private readonly BridgeEngine _engine;
    private readonly Func<HostConfig> _config;
    private readonly Func<Task<IReadOnlyList<VsiInfo>>> _vsis;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private IReadOnlyList<VsiInfo> _knownVsis = [];
    private Task? _loop;
    // With no session the loop sleeps here instead of waking ten times a second: an idle bridge costs nothing.
    private readonly SemaphoreSlim _sessionStarted = new(0);

    /// <param name="vsis">The VSIs of this bridge (its 802.1Qbg plane's), read on the forwarding thread.</param>
    public MonitorService(BridgeEngine engine, Func<HostConfig> config, Func<Task<IReadOnlyList<VsiInfo>>> vsis, TimeProvider time, ILogger log)
    {
        _engine = engine;
        _config = config;
        _vsis = vsis;
        _time = time;
        _log = log;
    }

    /// <summary>Starts draining file destinations and following VSIs.</summary>
    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    /// <summary>The file's sessions after a (re)load: new ones start, changed ones restart, removed ones stop; live ones stay unless the file names one.</summary>
    public void ApplyFile(IReadOnlyList<MonitorSessionConfig> sessions)
    {
        lock (_lock)
        {
            HashSet<string> named = [.. sessions.Select(session => session.Name)];
            foreach (Entry gone in _entries.Values.Where(entry => entry.Origin == FromFile && !named.Contains(entry.Config.Name)).ToList())
            {
                StopUnlocked(gone);
            }
            foreach (MonitorSessionConfig session in sessions)
            {
                if (_entries.TryGetValue(session.Name, out Entry? running))
                {
                    if (running.Origin == FromFile && Equivalent(running.Config, session))
                    {
                        continue;
                    }
                    StopUnlocked(running);
                }
                StartUnlocked(new Entry(session, FromFile));
            }
        }
    }

    /// <summary>`monitor add`: checks, looks its VSIs up, and starts it; refusals are ManagementExceptions.</summary>
    public async Task<MonitorSessionInfo> AddAsync(MonitorSessionConfig session)
    {
        HostConfig config = _config();
        List<string> problems = MonitorSessionCheck.Problems(session, [.. config.Bridge.Ports.Select(port => port.Name)]);
        if (problems.Count > 0)
        {
            throw new ManagementException($"monitor session {session.Name}: refused", problems);
        }
        if (session.Sources.Any(source => source.Vsi is not null))
        {
            Volatile.Write(ref _knownVsis, await _vsis().ConfigureAwait(false));
        }
        lock (_lock)
        {
            if (_entries.ContainsKey(session.Name))
            {
                throw new ManagementException($"monitor session {session.Name} exists already (monitor del it first)");
            }
            if (_entries.Count >= BridgeEngine.MaxMirrorSessions)
            {
                throw new ManagementException($"monitor session {session.Name}: {BridgeEngine.MaxMirrorSessions} sessions run already");
            }
            var entry = new Entry(session, Live);
            StartUnlocked(entry);
            if (entry.Running is null)
            {
                _entries.Remove(session.Name);
                throw new ManagementException($"monitor session {session.Name}: refused", entry.Notes);
            }
            return Describe(entry);
        }
    }

    /// <summary>`monitor del`: stops the session; refused while an ACL rule mirrors to it.</summary>
    public void Remove(string name)
    {
        string? rule = _config().Bridge.Acls
            .SelectMany(acl => acl.Rules.Select(rule => (acl.Name, Rule: rule)))
            .Where(pair => pair.Rule.Actions.MirrorSession == name)
            .Select(pair => $"acl {pair.Name} rule {pair.Rule.Name}")
            .FirstOrDefault();
        if (rule is not null)
        {
            throw new ManagementException($"monitor session {name}: {rule} mirrors to it; remove the rule's mirror first");
        }
        lock (_lock)
        {
            if (!_entries.TryGetValue(name, out Entry? entry))
            {
                throw new ManagementException($"no monitor session named '{name}'");
            }
            StopUnlocked(entry);
        }
    }

    /// <summary>Every session with its counters, in name order.</summary>
    public IReadOnlyList<MonitorSessionInfo> Show()
    {
        lock (_lock)
        {
            return [.. _entries.Values.OrderBy(entry => entry.Config.Name, StringComparer.Ordinal).Select(Describe)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        lock (_lock)
        {
            foreach (Entry entry in _entries.Values.ToList())
            {
                StopUnlocked(entry);
            }
        }
        _stop.Dispose();
        _sessionStarted.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        int tick = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (!HasSessions())
                {
                    await _sessionStarted.WaitAsync(stop).ConfigureAwait(false);
                    continue;
                }
                await Task.Delay(DrainPeriod, _time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            DrainFiles();
            if (++tick % DrainsPerVsiLookup == 0 && FollowsVsis())
            {
                try
                {
                    Volatile.Write(ref _knownVsis, await _vsis().WaitAsync(stop).ConfigureAwait(false));
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                ResolveVsisAgain();
            }
        }
        DrainFiles();
    }

    private bool HasSessions()
    {
        lock (_lock)
        {
            return _entries.Count != 0;
        }
    }

    private bool FollowsVsis()
    {
        lock (_lock)
        {
            return _entries.Values.Any(entry => entry.Config.Sources.Any(source => source.Vsi is not null));
        }
    }

    private void DrainFiles()
    {
        lock (_lock)
        {
            foreach (Entry entry in _entries.Values)
            {
                if (entry.Files is not PcapFileRing files)
                {
                    continue;
                }
                try
                {
                    files.Drain();
                    entry.FileError = null;
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    if (entry.FileError is null)
                    {
                        LogFileError(_log, entry.Config.Name, error.Message);
                    }
                    entry.FileError = error.Message;
                }
            }
        }
    }

    /// <summary>Sessions with VSI sources whose MACs, VLANs or ports changed run again with the new ones (their counters carried).</summary>
    private void ResolveVsisAgain()
    {
        lock (_lock)
        {
            foreach (Entry entry in _entries.Values.Where(entry => entry.Config.Sources.Any(source => source.Vsi is not null)).ToList())
            {
                (List<CaptureSelector> selectors, _) = Resolve(entry.Config, _config());
                if (entry.Running is null || !selectors.SequenceEqual(entry.Running.Sources))
                {
                    Restart(entry);
                }
            }
        }
    }

    private void StartUnlocked(Entry entry)
    {
        _entries[entry.Config.Name] = entry;
        Restart(entry);
        if (_sessionStarted.CurrentCount == 0)
        {
            _sessionStarted.Release();   // wake the loop if it sleeps for want of a session
        }
    }

    /// <summary>(Re)builds the engine session from the entry's settings and what is known now; its old counters are kept in the entry.</summary>
    private void Restart(Entry entry)
    {
        HostConfig config = _config();
        if (entry.Running is MirrorSession old)
        {
            _engine.StopMirror(old.Name);
            entry.Carry(old);
            entry.Running = null;
        }
        (List<CaptureSelector> selectors, List<string> notes) = Resolve(entry.Config, config);
        entry.Notes = notes;
        try
        {
            var session = new MirrorSession(entry.Config.Name, selectors, Destination(entry, config));
            if (!_engine.StartMirror(session))
            {
                entry.Notes.Add($"not running: {BridgeEngine.MaxMirrorSessions} sessions run already");
                return;
            }
            entry.Running = session;
        }
        catch (ArgumentException error)
        {
            entry.Notes.Add($"not running: {error.Message}");
            LogNotStarted(_log, entry.Config.Name, error.Message);
        }
    }

    private void StopUnlocked(Entry entry)
    {
        if (entry.Running is MirrorSession running)
        {
            _engine.StopMirror(running.Name);
        }
        _entries.Remove(entry.Config.Name);
        if (entry.Files is PcapFileRing files)
        {
            try
            {
                files.Drain();   // what was mirrored before the stop; a batch in flight may still add a few, lost with the ring
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                LogFileError(_log, entry.Config.Name, error.Message);
            }
            files.Dispose();
        }
    }

    private MirrorDestination Destination(Entry entry, HostConfig config)
    {
        MonitorDestinationConfig destination = entry.Config.Destination;
        if (destination.File is string file)
        {
            entry.Files ??= new PcapFileRing(
                new CaptureSession(new CaptureSelector(0), RingSlots, Math.Max(destination.SnapLength, CaptureSession.DefaultSnapLength)),
                file, destination.FileSize, destination.FileCount, destination.SnapLength, [.. config.Bridge.Ports.Select(port => port.Name)], _time);
            return new RingDestination(entry.Files.Ring);
        }
        int port = config.Bridge.IndexOf(destination.Port!);
        if (destination.RspanVlan is int vid)
        {
            return new RspanDestination(port, vid);
        }
        if (destination.Erspan is ErspanConfig erspan)
        {
            var tunnel = new ErspanTunnel(erspan.Type == 2 ? ErspanVersion.TypeII : ErspanVersion.TypeIII, erspan.ErspanId, _engine.BridgeAddress,
                MacAddress.Parse(erspan.NextHopMac), Ipv4(erspan.OriginIp), Ipv4(erspan.DestinationIp))
            {
                Ttl = (byte)erspan.Ttl,
                Dscp = (byte)erspan.Dscp,
                Mtu = erspan.Mtu,
            };
            return new ErspanDestination(port, tunnel);
        }
        return new SpanDestination(port);
    }

    /// <summary>The engine's selectors for the session's sources now, and notes on sources that mirror nothing now.</summary>
    private (List<CaptureSelector>, List<string>) Resolve(MonitorSessionConfig session, HostConfig config)
    {
        var selectors = new List<CaptureSelector>();
        var notes = new List<string>();
        IReadOnlyList<VsiInfo> vsis = Volatile.Read(ref _knownVsis);
        foreach (MonitorSourceConfig source in session.Sources)
        {
            bool inbound = source.Direction != MonitorDirection.Tx;
            bool outbound = source.Direction != MonitorDirection.Rx;
            if (source.Port is string port)
            {
                selectors.Add(new CaptureSelector(config.Bridge.IndexOf(port)) { Inbound = inbound, Outbound = outbound });
                continue;
            }
            VsiInfo[] found = [.. vsis.Where(vsi => string.Equals(vsi.VsiId, source.Vsi, StringComparison.OrdinalIgnoreCase) && vsi.State == "associated")];
            if (found.Length == 0)
            {
                notes.Add($"vsi {source.Vsi} is not associated on this bridge: nothing is mirrored for it until it is");
                continue;
            }
            foreach (VsiInfo vsi in found)
            {
                if (vsi.Port == session.Destination.Port)
                {
                    notes.Add($"vsi {source.Vsi} is on the destination port {vsi.Port}: not mirrored");
                    continue;
                }
                int index = config.Bridge.IndexOf(vsi.Port);
                selectors.AddRange(vsi.Filter.Select(filter => new CaptureSelector(index)
                {
                    Inbound = inbound,
                    Outbound = outbound,
                    Mac = filter.Mac is string mac ? MacAddress.Parse(mac) : null,
                    Vid = filter.Vid,
                }));
            }
        }
        return (selectors, notes);
    }

    private MonitorSessionInfo Describe(Entry entry)
    {
        MirrorSession? running = entry.Running;
        var dropped = new List<DropCount>();
        for (int reason = 0; reason < MirrorDropReasons.Count; reason++)
        {
            long count = entry.Dropped[reason] + (running?.Dropped((MirrorDropReason)reason) ?? 0);
            if (count != 0)
            {
                dropped.Add(new DropCount(MirrorDropReasons.Name((MirrorDropReason)reason), count));
            }
        }
        List<string> notes = [.. entry.Notes];
        if (entry.Files is PcapFileRing files && files.Files.Count > 0)
        {
            notes.Add($"writing {files.Files[^1]} ({files.Files.Count} of {entry.Config.Destination.FileCount} files kept)");
        }
        if (entry.FileError is string fileError)
        {
            notes.Add($"cannot write the file: {fileError}");
        }
        return new MonitorSessionInfo(entry.Config.Name, entry.Origin, entry.Config.Sources, entry.Config.Destination,
            entry.Mirrored + (running?.Mirrored ?? 0), entry.MirroredBytes + (running?.MirroredBytes ?? 0), entry.Truncated + (running?.Truncated ?? 0), dropped, notes);
    }

    private static bool Equivalent(MonitorSessionConfig a, MonitorSessionConfig b) =>
        a.Name == b.Name && a.Sources.SequenceEqual(b.Sources) && a.Destination == b.Destination;

    private static uint Ipv4(string text)
    {
        byte[] bytes = IPAddress.Parse(text).GetAddressBytes();
        return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "monitor session {Session} cannot write its file: {Reason}")]
    private static partial void LogFileError(ILogger log, string session, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "monitor session {Session} does not run: {Reason}")]
    private static partial void LogNotStarted(ILogger log, string session, string reason);

    /// <summary>One session as configured, where it came from, what it runs as now, and what earlier runs counted.</summary>
    private sealed class Entry(MonitorSessionConfig config, string origin)
    {
        public MonitorSessionConfig Config { get; } = config;
        public string Origin { get; } = origin;
        public MirrorSession? Running { get; set; }
        public PcapFileRing? Files { get; set; }
        public string? FileError { get; set; }
        public List<string> Notes { get; set; } = [];
        public long Mirrored { get; private set; }
        public long MirroredBytes { get; private set; }
        public long Truncated { get; private set; }
        public long[] Dropped { get; } = new long[MirrorDropReasons.Count];

        /// <summary>Keeps what a run counted before it is replaced.</summary>
        public void Carry(MirrorSession old)
        {
            Mirrored += old.Mirrored;
            MirroredBytes += old.MirroredBytes;
            Truncated += old.Truncated;
            for (int reason = 0; reason < Dropped.Length; reason++)
            {
                Dropped[reason] += old.Dropped((MirrorDropReason)reason);
            }
        }
    }
}
