// A port over QEMU's stream netdev protocol (see StreamFraming) on a Unix socket or TCP. `listen` accepts
// one peer at a time and accepts again after it leaves; `connect` retries with backoff (100 ms doubling
// to 5 s), because QEMU 7.2 as a server never reconnects to us by itself.
using System.Net;
using System.Net.Sockets;

namespace Hairpin.Host.Transports;

public sealed class StreamTransport : PortTransport
{
    public static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    private readonly StreamAttach _attach;
    private readonly EndPoint _endPoint;
    /// <summary>Where a frame split across pipe segments is joined: one buffer for the transport's life.</summary>
    private readonly byte[] _scratch = new byte[StreamFraming.MaxFrameSize];

    /// <exception cref="ArgumentException">The address is neither a path nor HOST:PORT.</exception>
    public StreamTransport(StreamAttach attach)
    {
        _endPoint = StreamEndPoints.Parse(attach);
        _attach = attach;
    }

    public override AttachSpec Attach => _attach;

    protected override Task RunUntilCancelledAsync(PortQueues queues, CancellationToken cancellation) =>
        _attach.Listen ? ListenAsync(queues, cancellation) : ConnectAsync(queues, cancellation);

    private async Task ListenAsync(PortQueues queues, CancellationToken cancellation)
    {
        var backoff = new ReconnectBackoff(FirstRetry, LastRetry);
        queues.MarkDown($"starting to listen on {_attach.Address}");
        while (true)
        {
            Socket listener;
            try
            {
                listener = await StreamEndPoints.ListenAsync(_endPoint, cancellation).ConfigureAwait(false);
                queues.MarkDown($"listening on {_attach.Address}: no peer yet");
            }
            catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
            {
                queues.MarkUnavailable($"cannot listen on {_attach.Address}: {e.Message}");
                await LinkDownDrain.WhileAsync(queues, () => Task.Delay(backoff.Failed(), cancellation)).ConfigureAwait(false);
                continue;
            }
            backoff.Succeeded();
            try
            {
                await ServeOneAtATimeAsync(listener, queues, cancellation).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                queues.MarkUnavailable($"listener on {_attach.Address} failed: {e.Message}");
            }
            finally
            {
                listener.Dispose();
                StreamEndPoints.RemoveSocketFile(_endPoint);
            }
        }
    }

    private async Task ServeOneAtATimeAsync(Socket listener, PortQueues queues, CancellationToken cancellation)
    {
        while (true)
        {
            Socket peer = await LinkDownDrain.WhileAsync(queues, () => listener.AcceptAsync(cancellation).AsTask()).ConfigureAwait(false);
            await RunSessionAsync(peer, queues, cancellation).ConfigureAwait(false);
            queues.MarkDown($"{queues.DownReason}; listening on {_attach.Address}");
        }
    }

    private async Task ConnectAsync(PortQueues queues, CancellationToken cancellation)
    {
        var backoff = new ReconnectBackoff(FirstRetry, LastRetry);
        queues.MarkDown($"connecting to {_attach.Address}");
        while (true)
        {
            Socket peer = await LinkDownDrain.WhileAsync(queues, () => ConnectWithBackoffAsync(queues, backoff, cancellation)).ConfigureAwait(false);
            await RunSessionAsync(peer, queues, cancellation).ConfigureAwait(false);
        }
    }

    private async Task<Socket> ConnectWithBackoffAsync(PortQueues queues, ReconnectBackoff backoff, CancellationToken cancellation)
    {
        while (true)
        {
            Socket socket = StreamEndPoints.NewSocket(_endPoint);
            TimeSpan wait;
            try
            {
                await socket.ConnectAsync(_endPoint, cancellation).ConfigureAwait(false);
                backoff.Succeeded();
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                wait = backoff.Failed();
                queues.MarkUnavailable($"connecting to {_attach.Address}: {e.Message} (next try in {wait.TotalMilliseconds:0} ms)");
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            await Task.Delay(wait, cancellation).ConfigureAwait(false);
        }
    }

    private async Task RunSessionAsync(Socket peer, PortQueues queues, CancellationToken cancellation)
    {
        queues.MarkUp();
        string reason = await StreamSession.RunAsync(peer, queues, _scratch, cancellation).ConfigureAwait(false);
        queues.MarkDown(reason);
        queues.DropOutboundLinkDown();
    }
}
