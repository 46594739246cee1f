// The default VSI store: one appliance, no server. The VSI table, this appliance's counter segments
// and the moves live in memory and in one local file, so a restarted appliance comes back with its
// associations and counters. Callers never wait on the disk: every change is made in memory under one
// lock and marks the file stale; a background writer rewrites it at most once per interval, and once
// more at DisposeAsync. A write that fails is logged and tried again, never thrown at a caller. A VSI
// de-associated for longer than forget_after goes, with its counters and moves: at open and hourly.
// Threading: every member is safe from any thread.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Qbg.Store;

public sealed partial class EmbeddedVsiStore : IVsiStore
{
    /// <summary>Moves kept per VSI: the latest, enough for an operator's question "where has it been".</summary>
    public const int HistoryLength = 100;

    /// <summary>How often a running store looks for VSIs to forget by default; forget_after is at least this long.</summary>
    public static readonly TimeSpan DefaultForgetSweep = TimeSpan.FromHours(1);

    private static readonly VsiCountersSnapshot NoCounts = VsiCountersSnapshot.Empty;

    private readonly string _file;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly TimeSpan _writeInterval;
    private readonly TimeSpan _forgetAfter;
    private readonly TimeSpan _forgetSweep;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, EmbeddedVsiEntry> _vsis = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VsiCountersSnapshot> _segments = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<VsiMove>> _history = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _stale = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task _writer = Task.CompletedTask;
    private Task _forgetter = Task.CompletedTask;
    private int _staleSignalled;
    private long _changes;
    private long _changesWritten;
    private bool _open;
    private bool _disposed;

    /// <param name="file">The store's file (HostConfig.Store's embedded file).</param>
    /// <param name="appliance">This appliance's name in history ("appliance/port"); the host name by default.</param>
    /// <param name="writeInterval">Least time between two writes of the file; one second by default.</param>
    /// <param name="forgetAfter">A VSI de-associated this long is forgotten (StoreConfig.ForgetAfter); 30 days by default.</param>
    /// <param name="forgetSweep">How often a running store looks for what to forget; hourly by default.</param>
    public EmbeddedVsiStore(string file, ILogger log, string? appliance = null, TimeProvider? time = null, TimeSpan? writeInterval = null,
        TimeSpan? forgetAfter = null, TimeSpan? forgetSweep = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(log);
        _file = file;
        _log = log;
        Appliance = appliance ?? Environment.MachineName;
        _time = time ?? TimeProvider.System;
        _writeInterval = writeInterval ?? TimeSpan.FromSeconds(1);
        _forgetAfter = forgetAfter ?? Configuration.StoreConfig.DefaultForgetAfter;
        _forgetSweep = forgetSweep ?? DefaultForgetSweep;
    }

    public string Appliance { get; }

    /// <summary>One appliance's own: `vsi show` has no appliance to tell apart.</summary>
    public bool SharedBySite => false;

    /// <summary>The file this store keeps.</summary>
    public string File => _file;

    public StoreHealth Health => StoreHealth.Connected;

    /// <summary>Never raised: no other appliance shares this store, and its types are the YAML's.</summary>
    public event EventHandler<VsiStoreEvent>? Changed
    {
        add { }
        remove { }
    }

    public string Describe() => $"embedded ({_file})";

    public Task<StoreStartup> OpenAsync(CancellationToken cancel)
    {
        EmbeddedStoreContents contents = Load();
        List<string> forgotten;
        StoreStartup startup;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_open)
            {
                throw new InvalidOperationException("the VSI store is open already");
            }
            foreach ((string vsiId, EmbeddedVsiEntry entry) in contents.Vsis)
            {
                _vsis[vsiId] = entry;
            }
            foreach ((string vsiId, VsiCountersSnapshot segment) in contents.Segments)
            {
                _segments[vsiId] = segment;
            }
            foreach ((string vsiId, IReadOnlyList<VsiMove> moves) in contents.History)
            {
                _history[vsiId] = [.. moves.TakeLast(HistoryLength)];
            }
            _open = true;
            forgotten = ForgetReleased();
            // Started only now: writing before the file was read would overwrite what it held.
            _writer = Task.Run(() => WriteLoopAsync(_stop.Token), CancellationToken.None);
            _forgetter = Task.Run(() => ForgetLoopAsync(_stop.Token), CancellationToken.None);
            startup = new StoreStartup(
                [.. _vsis.Values.Where(entry => entry.Held).Select(entry => new OwnedVsi(entry.Port, entry.Vsi))],
                [.. _segments.Select(pair => new VsiSegment(pair.Key, pair.Value))],
                SharedTypes: null);
        }
        LogForgotten(forgotten);
        return Task.FromResult(startup);
    }

    /// <summary>Always won, at once: no other appliance can hold a VSI of this store.</summary>
    public Task<ClaimOutcome> ClaimAsync(VsiClaim claim, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(claim);
        string vsiId = claim.Vsi.IdText;
        string to = Where(claim.Port);
        DateTimeOffset now = _time.GetUtcNow();
        string? from;
        lock (_lock)
        {
            ThrowUnlessOpen();
            EmbeddedVsiEntry? held = _vsis.TryGetValue(vsiId, out EmbeddedVsiEntry? entry) && entry.Held ? entry : null;
            from = held is null ? null : Where(held.Port);
            bool moved = from != to;
            _vsis[vsiId] = new EmbeddedVsiEntry(claim.Port, claim.Vsi, moved ? now : held!.Since, Held: true);
            // A claim on the port that already holds it (pre-associated, then associated) is no move.
            if (moved)
            {
                AddMove(vsiId, new VsiMove(now, from, to, claim.Request));
            }
            MarkStale();
        }
        return Task.FromResult<ClaimOutcome>(new ClaimOutcome.Won(from));
    }

    public void Update(string port, VsiRecord vsi)
    {
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(vsi);
        string vsiId = vsi.IdText;
        lock (_lock)
        {
            ThrowUnlessOpen();
            DateTimeOffset since = _vsis.TryGetValue(vsiId, out EmbeddedVsiEntry? entry) && entry.Held && entry.Port == port ? entry.Since : _time.GetUtcNow();
            _vsis[vsiId] = new EmbeddedVsiEntry(port, vsi, since, Held: true);
            MarkStale();
        }
    }

    public void Release(string vsiId, string reason)
    {
        ArgumentNullException.ThrowIfNull(vsiId);
        ArgumentNullException.ThrowIfNull(reason);
        DateTimeOffset now = _time.GetUtcNow();
        lock (_lock)
        {
            ThrowUnlessOpen();
            if (!_vsis.TryGetValue(vsiId, out EmbeddedVsiEntry? entry) || !entry.Held)
            {
                return;
            }
            _vsis[vsiId] = entry with { Since = now, Held = false };
            AddMove(vsiId, new VsiMove(now, Where(entry.Port), "-", reason));
            MarkStale();
        }
    }

    public void PublishCounters(IReadOnlyList<VsiSegment> segments)
    {
        ArgumentNullException.ThrowIfNull(segments);
        lock (_lock)
        {
            ThrowUnlessOpen();
            foreach (VsiSegment segment in segments)
            {
                _segments[segment.VsiId] = segment.Counters;
            }
            MarkStale();
        }
    }

    public Task<IReadOnlyList<StoredVsi>> ListAsync(CancellationToken cancel)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<StoredVsi>>([.. _vsis
                .OrderBy(pair => pair.Key, StringComparer.Ordinal)
                .Select(pair => new StoredVsi(pair.Key, Appliance, pair.Value.Port,
                    pair.Value.Held ? EmbeddedStoreFile.StateOf(pair.Value.Vsi) : "de-associated",
                    VsiTypeRef.Of(pair.Value.Vsi), VsiFilterEntry.Of(pair.Value.Vsi.Filters), pair.Value.Since,
                    _segments.GetValueOrDefault(pair.Key, NoCounts))
                {
                    Segments = _segments.TryGetValue(pair.Key, out VsiCountersSnapshot? own) ? new Dictionary<string, VsiCountersSnapshot> { [Appliance] = own } : [],
                })]);
        }
    }

    public Task<IReadOnlyList<VsiMove>> HistoryAsync(string vsiId, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(vsiId);
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<VsiMove>>(_history.TryGetValue(vsiId, out List<VsiMove>? moves) ? [.. moves] : []);
        }
    }

    /// <summary>Stops the writer and writes the file a last time if anything changed since.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _writer.ConfigureAwait(false);
        await _forgetter.ConfigureAwait(false);
        if (_open)
        {
            await Task.Run(WriteIfStale).ConfigureAwait(false);
        }
        _stop.Dispose();
        _stale.Dispose();
    }

    private async Task WriteLoopAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await _stale.WaitAsync(stop).ConfigureAwait(false);
                // Changes made in this pause go out in the same write.
                await Task.Delay(_writeInterval, _time, stop).ConfigureAwait(false);
                Interlocked.Exchange(ref _staleSignalled, 0);
                if (!WriteIfStale())
                {
                    MarkStaleSignal();   // tried again after the next interval
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: DisposeAsync writes the last state.
        }
    }

    private async Task ForgetLoopAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(_forgetSweep, _time, stop).ConfigureAwait(false);
                List<string> forgotten;
                lock (_lock)
                {
                    forgotten = ForgetReleased();
                }
                LogForgotten(forgotten);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: nothing is half done, each sweep is made under the lock.
        }
    }

    /// <summary>
    /// Under _lock: removes every VSI de-associated at least forget_after ago, with its counter segment
    /// and its moves (a VM that comes back later starts again from nothing); the VSIs removed.
    /// </summary>
    private List<string> ForgetReleased()
    {
        DateTimeOffset now = _time.GetUtcNow();
        List<string> forgotten = [.. _vsis.Where(pair => !pair.Value.Held && now - pair.Value.Since >= _forgetAfter).Select(pair => pair.Key)];
        foreach (string vsiId in forgotten)
        {
            _vsis.Remove(vsiId);
            _segments.Remove(vsiId);
            _history.Remove(vsiId);
        }
        if (forgotten.Count > 0)
        {
            MarkStale();
        }
        return forgotten;
    }

    private void LogForgotten(List<string> forgotten)
    {
        if (forgotten.Count > 0 && _log.IsEnabled(LogLevel.Information))
        {
            // Named up to ten: a first sweep after years of VM churn must not write a line of thousands.
            IEnumerable<string> named = forgotten.Order(StringComparer.Ordinal).Take(10);
            string more = forgotten.Count > 10 ? $" and {forgotten.Count - 10} more" : "";
            string vsis = string.Join(", ", named) + more;
            LogForgotten(_file, forgotten.Count, _forgetAfter.TotalDays, vsis);
        }
    }

    /// <summary>Writes the file if it is behind memory; false when the write failed (logged).</summary>
    private bool WriteIfStale()
    {
        EmbeddedStoreContents contents;
        long changes;
        lock (_lock)
        {
            changes = _changes;
            if (changes == Interlocked.Read(ref _changesWritten))
            {
                return true;
            }
            // Entries and moves are immutable records: copying the collections is enough to write outside the lock.
            contents = new EmbeddedStoreContents(
                new Dictionary<string, EmbeddedVsiEntry>(_vsis, StringComparer.Ordinal),
                new Dictionary<string, VsiCountersSnapshot>(_segments, StringComparer.Ordinal),
                _history.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<VsiMove>)[.. pair.Value], StringComparer.Ordinal));
        }
        try
        {
            EmbeddedStoreFile.Replace(_file, EmbeddedStoreFile.Write(Appliance, contents));
            Interlocked.Exchange(ref _changesWritten, changes);
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
        {
            LogWriteFailed(error, _file, error.Message);
            return false;
        }
    }

    private EmbeddedStoreContents Load()
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(_file);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            LogStartingEmpty(_file);
            return EmbeddedStoreContents.Empty;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // Not corrupt, unreadable: left where it is for the operator; the writer will report the same cause.
            LogUnreadable(error, _file, error.Message);
            return EmbeddedStoreContents.Empty;
        }
        try
        {
            EmbeddedStoreContents contents = EmbeddedStoreFile.Read(text, _time.GetUtcNow(), what => LogSkipped(_file, what));
            int held = contents.Vsis.Values.Count(entry => entry.Held);
            LogLoaded(_file, held, contents.Segments.Count);
            return contents;
        }
        catch (FormatException error)
        {
            SetAside(error.Message);
            return EmbeddedStoreContents.Empty;
        }
    }

    private void SetAside(string reason)
    {
        string aside = _file + ".corrupt";
        try
        {
            System.IO.File.Move(_file, aside, overwrite: true);
            LogCorrupt(_file, reason, aside);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            LogCorrupt(_file, reason, $"nowhere ({error.Message}): it will be overwritten");
        }
    }

    private void AddMove(string vsiId, VsiMove move)
    {
        if (!_history.TryGetValue(vsiId, out List<VsiMove>? moves))
        {
            moves = [];
            _history[vsiId] = moves;
        }
        if (moves.Count == HistoryLength)
        {
            moves.RemoveAt(0);
        }
        moves.Add(move);
    }

    // Under _lock.
    private void MarkStale()
    {
        _changes++;
        MarkStaleSignal();
    }

    private void MarkStaleSignal()
    {
        if (Interlocked.Exchange(ref _staleSignalled, 1) == 0 && !_disposed)
        {
            _stale.Release();
        }
    }

    private void ThrowUnlessOpen()
    {
        if (!_open)
        {
            throw new InvalidOperationException("the VSI store is used before OpenAsync read its file");
        }
    }

    private string Where(string port) => $"{Appliance}/{port}";

    [LoggerMessage(Level = LogLevel.Information, Message = "VSI store {File}: no file yet, starting empty")]
    private partial void LogStartingEmpty(string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "VSI store {File}: {Held} VSIs held, counters of {Segments}")]
    private partial void LogLoaded(string file, int held, int segments);

    [LoggerMessage(Level = LogLevel.Error, Message = "VSI store {File} is corrupt ({Reason}): set aside as {Aside}, starting empty")]
    private partial void LogCorrupt(string file, string reason, string aside);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VSI store {File}: skipped {What}")]
    private partial void LogSkipped(string file, string what);

    [LoggerMessage(Level = LogLevel.Error, Message = "VSI store {File} cannot be read ({Reason}): starting empty")]
    private partial void LogUnreadable(Exception error, string file, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "VSI store {File}: forgot {Count} VSIs de-associated over {Days:0.##} days ago, with their counters and moves: {Vsis}")]
    private partial void LogForgotten(string file, int count, double days, string vsis);

    [LoggerMessage(Level = LogLevel.Warning, Message = "VSI store {File} could not be written ({Reason}): trying again")]
    private partial void LogWriteFailed(Exception error, string file, string reason);
}
