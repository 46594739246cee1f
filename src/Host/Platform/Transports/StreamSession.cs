// One stream connection of a port, from accept/connect to disconnect: a receive pump (PipeReader ->
// Inbound) and a send pump (Outbound -> PipeWriter) that end together when either side fails.
using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;

namespace Hairpin.Host.Transports;

internal static class StreamSession
{
    /// <summary>Frames written per flush at most, so a steady stream still reaches the peer promptly.</summary>
    private const int SendBatch = 64;

    /// <summary>
    /// Runs the connection until the peer leaves, breaks the framing, or <paramref name="cancellation"/>;
    /// owns and closes <paramref name="socket"/>. Returns why it ended (for PortQueues.DownReason).
    /// Throws OperationCanceledException only for <paramref name="cancellation"/>.
    /// </summary>
    public static async Task<string> RunAsync(Socket socket, PortQueues queues, byte[] scratch, CancellationToken cancellation)
    {
        using var end = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        string reason;
        var stream = new NetworkStream(socket, ownsSocket: true);
        await using (stream.ConfigureAwait(false))
        {
            PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            PipeWriter writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
            Task<string> receiving = ReasonOf(ReceiveAsync(reader, queues, scratch, end.Token));
            Task<string> sending = ReasonOf(SendAsync(writer, queues, end.Token));
            reason = await (await Task.WhenAny(receiving, sending).ConfigureAwait(false)).ConfigureAwait(false);
            await end.CancelAsync().ConfigureAwait(false);
            socket.Close(0);   // a pump blocked on the peer stops now
            await Task.WhenAll(receiving, sending).ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            await CompleteDiscardingAsync(writer).ConfigureAwait(false);
        }
        cancellation.ThrowIfCancellationRequested();
        return reason;
    }

    private static async Task<string> ReceiveAsync(PipeReader reader, PortQueues queues, byte[] scratch, CancellationToken cancellation)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellation).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (StreamFraming.DeliverFrames(ref buffer, queues, scratch, out uint badLength) == StreamFraming.Take.BadLength)
            {
                queues.CountProtocolError();
                return $"protocol error: frame length {badLength} (must be 1..{StreamFraming.MaxFrameSize}); connection dropped";
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return "peer closed the connection";
            }
            if (result.IsCanceled)
            {
                return "stopped";
            }
        }
    }

    /// <summary>Frames count as sent once flushed to the socket; those of a flush that fails are lost with the link.</summary>
    private static async Task<string> SendAsync(PipeWriter writer, PortQueues queues, CancellationToken cancellation)
    {
        while (true)
        {
            await queues.WaitToSendAsync(cancellation).ConfigureAwait(false);
            (int frames, long bytes) = WriteQueued(writer, queues);
            if (frames == 0)
            {
                continue;   // the wake-up of a frame an earlier batch already took
            }
            FlushResult flushed;
            try
            {
                flushed = await writer.FlushAsync(cancellation).ConfigureAwait(false);
            }
            catch
            {
                queues.CountLostWithLink(frames);
                throw;
            }
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                queues.CountLostWithLink(frames);
                return flushed.IsCompleted ? "peer closed the connection" : "stopped";
            }
            queues.CountSent(frames, bytes);
        }
    }

    private static (int Frames, long Bytes) WriteQueued(PipeWriter writer, PortQueues queues)
    {
        int written = 0;
        long bytes = 0;
        while (written < SendBatch && queues.Outbound.TryPeek(out ReadOnlySpan<byte> frame))
        {
            if (frame.IsEmpty)
            {
                queues.CountSendFailed();   // a length of 0 would make a peer like us drop the connection
            }
            else
            {
                StreamFraming.Write(writer, frame);
                written++;
                bytes += frame.Length;
            }
            queues.Outbound.Release();
        }
        return (written, bytes);
    }

    /// <summary>A pump's end as a reason; cancellation (the other pump ended, or the port stops) reads "stopped".</summary>
    private static async Task<string> ReasonOf(Task<string> pump)
    {
        try
        {
            return await pump.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return "stopped";
        }
        catch (IOException e)
        {
            return $"connection lost: {(e.InnerException ?? e).Message}";
        }
        catch (SocketException e)
        {
            return $"connection lost: {e.Message}";
        }
        catch (ObjectDisposedException)
        {
            return "connection closed";
        }
    }

    /// <summary>Completing a writer flushes what it holds; the socket is gone, so those bytes are lost by design.</summary>
    private static async Task CompleteDiscardingAsync(PipeWriter writer)
    {
        try
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
    }
}
