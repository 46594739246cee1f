// The bridge's end of the management socket: accepts connections on a Unix socket, reads one JSON
// request line from each, answers with one JSON response line, closes. Requests run on thread-pool
// threads, never the forwarding thread; IBridgeControl decides how to reach the engine.
//
// Each connection is read on its own, under its own deadline, so a client that connects and never
// sends holds nothing but its own connection: the others are read and answered meanwhile. Only the
// execution of requests is bounded (a few at once, the rest wait a moment). Connections are bounded
// too: at the bound, a new client takes the place of the one that has sat longest without sending
// its request (once it has had a fair second), and only when every connection is busy or fresh is
// the new one answered `busy` at once, never queued behind idle ones.
//
// The socket is bound under a temporary name, restricted (mode, group), then renamed into place, so
// it is never reachable with looser permissions than configured, and a stale socket left by a crash is
// replaced atomically. A live server already on the path is not: starting a second one fails.
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using Hairpin.Host.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.Host.Management;

public sealed partial class ManagementServer : IAsyncDisposable
{
    /// <summary>Longest request line accepted; a trace spec is a few dozen words, a flag change a few bytes.</summary>
    public const int MaxRequestSize = 64 * 1024;
    /// <summary>A client has this long to send its request line (each connection its own deadline), and again to take the answer.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);
    /// <summary>Connections open at once (reading, executing or answering); beyond it an idle one makes room, or the new one is answered `busy`.</summary>
    public const int MaxConnections = 64;
    /// <summary>How long a client may sit without sending its request before a new client at the bound takes its place.</summary>
    public static readonly TimeSpan IdleBeforeEviction = TimeSpan.FromSeconds(1);
    /// <summary>Requests executed at once; more wait for a turn. Operators, not traffic, send these.</summary>
    private const int MaxConcurrentRequests = 16;
    /// <summary>Connections the kernel queues before accept; beyond it a client's connect fails with EAGAIN.</summary>
    private const int Backlog = 128;

    private readonly RequestDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _executing = new(MaxConcurrentRequests);
    private readonly Task _acceptLoop;
    private int _openConnections;
    private long _nextReader;
    /// <summary>Connections still waiting for their request line: when each started waiting, and how to cut it short.</summary>
    private readonly ConcurrentDictionary<long, (long Since, CancellationTokenSource Reading)> _readers = new();

    private ManagementServer(string path, Socket listener, RequestDispatcher dispatcher, ILogger logger)
    {
        SocketPath = path;
        _listener = listener;
        _dispatcher = dispatcher;
        _logger = logger;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string SocketPath { get; }

    /// <summary>Creates the socket described by <paramref name="config"/> and starts answering on it.</summary>
    public static ManagementServer Start(IBridgeControl control, ManagementConfig config, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(control);
        ArgumentNullException.ThrowIfNull(config);
        logger ??= NullLogger.Instance;
        string path = Path.GetFullPath(config.Socket);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (IsServedByAnotherProcess(path))
        {
            throw new IOException($"{path} is in use by another running server");
        }
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.Delete(temporary);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(temporary));
            UnixSocketAccess.Restrict(temporary, config.Group);
            File.Move(temporary, path, overwrite: true);
            listener.Listen(Backlog);
        }
        catch
        {
            listener.Dispose();
            File.Delete(temporary);
            throw;
        }
        LogListening(logger, path, config.Group ?? "(root only)");
        return new ManagementServer(path, listener, new RequestDispatcher(control, logger), logger);
    }

    private static bool IsServedByAnotherProcess(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;   // nobody listening: a stale socket from a previous run
        }
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException) when (stopping.IsCancellationRequested)
            {
                return;   // Dispose closed the listener under a pending accept
            }
            catch (SocketException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                LogAcceptFailed(_logger, e);
                continue;
            }
            if (Interlocked.Increment(ref _openConnections) > MaxConnections && !EvictLongestIdle())
            {
                Interlocked.Decrement(ref _openConnections);
                _ = Task.Run(() => RefuseBusyAsync(connection, stopping), CancellationToken.None);
                continue;
            }
            _ = Task.Run(() => ServeAsync(connection, stopping), CancellationToken.None);
        }
    }

    /// <summary>Cuts short the read of the connection idle longest, if it has had its fair time; its slot frees as it closes.</summary>
    private bool EvictLongestIdle()
    {
        long now = Environment.TickCount64;
        long idleMilliseconds = (long)IdleBeforeEviction.TotalMilliseconds;
        KeyValuePair<long, (long Since, CancellationTokenSource Reading)>? longest = null;
        foreach (KeyValuePair<long, (long Since, CancellationTokenSource Reading)> reader in _readers)
        {
            if (now - reader.Value.Since >= idleMilliseconds && (longest is null || reader.Value.Since < longest.Value.Value.Since))
            {
                longest = reader;
            }
        }
        if (longest is not { } evicted || !_readers.TryRemove(evicted.Key, out _))
        {
            return false;
        }
        LogIdleEvicted(_logger, MaxConnections, (now - evicted.Value.Since) / 1000.0);
        try
        {
            evicted.Value.Reading.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Its line arrived just now and its read is over: it goes on to be served, one over the bound for a moment.
        }
        return true;
    }

    private async Task RefuseBusyAsync(Socket connection, CancellationToken stopping)
    {
        using (connection)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            deadline.CancelAfter(TimeSpan.FromSeconds(1));   // a refusal must stay cheap: one second, whatever the client does
            try
            {
                await AnswerAsync(connection, ManagementResponse.Failure(ManagementErrorKind.Busy,
                    $"the server is busy ({MaxConnections} connections open); try again"), drain: true, deadline.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A refused client that hangs up or dawdles is its own problem.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogConnectionDropped(_logger, e.Message);
            }
        }
    }

    private async Task ServeAsync(Socket connection, CancellationToken stopping)
    {
        using (connection)
        {
            try
            {
                string? line;
                long reader = Interlocked.Increment(ref _nextReader);
                using (var reading = CancellationTokenSource.CreateLinkedTokenSource(stopping))
                {
                    reading.CancelAfter(RequestTimeout);
                    _readers[reader] = (Environment.TickCount64, reading);
                    try
                    {
                        line = await ReadLineAsync(connection, reading.Token).ConfigureAwait(false);
                    }
                    finally
                    {
                        _readers.TryRemove(reader, out _);
                    }
                }
                ManagementResponse response = line is null
                    ? ManagementResponse.Failure(ManagementErrorKind.Malformed, $"request line missing or longer than {MaxRequestSize} bytes")
                    : await ExecuteAsync(line, stopping).ConfigureAwait(false);
                using var answering = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                answering.CancelAfter(RequestTimeout);   // a client that never reads its answer must not hold the connection either
                await AnswerAsync(connection, response, drain: line is null, answering.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A client that hangs up or times out is its own problem, never the server's.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogConnectionDropped(_logger, e.Message);
            }
            finally
            {
                Interlocked.Decrement(ref _openConnections);
            }
        }
    }

    private async Task<ManagementResponse> ExecuteAsync(string line, CancellationToken stopping)
    {
        await _executing.WaitAsync(stopping).ConfigureAwait(false);
        try
        {
            return await _dispatcher.DispatchAsync(line, stopping).ConfigureAwait(false);
        }
        finally
        {
            _executing.Release();
        }
    }

    private static async Task AnswerAsync(Socket connection, ManagementResponse response, bool drain, CancellationToken token)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(response, ManagementJson.Wire) + "\n");
        await connection.SendAsync(bytes, SocketFlags.None, token).ConfigureAwait(false);
        connection.Shutdown(SocketShutdown.Send);
        if (drain)
        {
            // Closing with unread bytes resets the connection, and the client would lose the answer.
            await DrainAsync(connection, token).ConfigureAwait(false);
        }
    }

    /// <summary>Bytes up to the first newline (or the end of the stream), as UTF-8; null when there are none or too many.</summary>
    private static async Task<string?> ReadLineAsync(Socket connection, CancellationToken token)
    {
        byte[] buffer = new byte[MaxRequestSize];
        int length = 0;
        while (length < buffer.Length)
        {
            int received = await connection.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, token).ConfigureAwait(false);
            int newline = Array.IndexOf(buffer, (byte)'\n', length, received);
            if (newline >= 0)
            {
                return Encoding.UTF8.GetString(buffer, 0, newline);
            }
            if (received == 0)
            {
                return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
            }
            length += received;
        }
        return null;
    }

    private static async Task DrainAsync(Socket connection, CancellationToken token)
    {
        byte[] buffer = new byte[16 * 1024];
        for (int drained = 0; drained < 16 * MaxRequestSize;)
        {
            int received = await connection.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false);
            if (received == 0)
            {
                return;
            }
            drained += received;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        File.Delete(SocketPath);
        _stopping.Dispose();
        // _executing stays: connections still finishing release into it.
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "management socket {Path} listening (group {Group})")]
    private static partial void LogListening(ILogger logger, string path, string group);

    [LoggerMessage(Level = LogLevel.Warning, Message = "management accept failed")]
    private static partial void LogAcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "management: {Connections} connections open; closed the one idle longest ({Seconds:0.0} s without a request) to serve a new one")]
    private static partial void LogIdleEvicted(ILogger logger, int connections, double seconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "management connection dropped: {Reason}")]
    private static partial void LogConnectionDropped(ILogger logger, string reason);
}
