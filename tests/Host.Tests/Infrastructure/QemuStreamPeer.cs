// The VM side of QEMU's stream netdev for tests: a socket that writes and reads 4-byte big-endian
// length-prefixed frames, as QEMU's net/stream.c does.
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Hairpin.Host.Tests.Infrastructure;

public sealed class QemuStreamPeer : IDisposable
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    public QemuStreamPeer(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    public static async Task<QemuStreamPeer> ConnectAsync(EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(ReadTimeout);
        await socket.ConnectAsync(endPoint, timeout.Token);
        return new QemuStreamPeer(socket);
    }

    public async Task SendFrameAsync(byte[] frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        byte[] message = new byte[4 + frame.Length];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)frame.Length);
        frame.CopyTo(message, 4);
        await SendRawAsync(message);
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        await Socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
    }

    public async Task<byte[]> ReceiveFrameAsync()
    {
        byte[] header = new byte[4];
        await ReadExactlyAsync(header);
        byte[] frame = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
        await ReadExactlyAsync(frame);
        return frame;
    }

    /// <summary>True when the other side closes the connection within the timeout (bytes before that are skipped).</summary>
    public async Task<bool> ClosedByOtherSideAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        byte[] sink = new byte[4096];
        try
        {
            while (await Socket.ReceiveAsync(sink, SocketFlags.None, timeout.Token) > 0)
            {
            }
            return true;
        }
        catch (SocketException)
        {
            return true;   // reset: closed too
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task ReadExactlyAsync(byte[] buffer)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = await Socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, timeout.Token);
            if (read == 0)
            {
                throw new IOException("the transport closed the connection");
            }
            filled += read;
        }
    }

    public void Dispose() => Socket.Dispose();
}
