// Turns a stream attachment's address ("/run/hairpin/vm1.sock", "127.0.0.1:5000", "[fe80::1%2]:5000",
// "*:5000") into sockets: a connected one for `connect`, a listening one for `listen`.
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Hairpin.Host.Transports;

internal static class StreamEndPoints
{
    /// <summary>Validates the address up front so a typo fails at configuration time, not on first connect.</summary>
    public static EndPoint Parse(StreamAttach attach)
    {
        ArgumentNullException.ThrowIfNull(attach);
        if (attach.IsUnix)
        {
            if (attach.Address.Length == 0)
            {
                throw new ArgumentException("a stream attachment needs a socket path", nameof(attach));
            }
            return new UnixDomainSocketEndPoint(attach.Address);
        }
        if (IPEndPoint.TryParse(attach.Address, out IPEndPoint? literal) && literal.Port != 0)
        {
            return literal;
        }
        int colon = attach.Address.LastIndexOf(':');
        string host = attach.Address[..colon];
        if (!int.TryParse(attach.Address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) ||
            port is < 1 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentException($"'{attach.Address}' is not HOST:PORT with a port from 1 to 65535", nameof(attach));
        }
        if (host is "" or "*")
        {
            return new IPEndPoint(IPAddress.IPv6Any, port);
        }
        return new DnsEndPoint(host, port);
    }

    public static Socket NewSocket(EndPoint endPoint)
    {
        if (endPoint is UnixDomainSocketEndPoint)
        {
            return new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        }
        var socket = endPoint is IPEndPoint ip
            ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(SocketType.Stream, ProtocolType.Tcp);   // dual mode: a name may resolve to either family
        socket.NoDelay = true;   // one frame is one message: Nagle would only add latency
        return socket;
    }

    /// <summary>
    /// A socket listening on <paramref name="endPoint"/> with a backlog of one (one peer at a time, as QEMU's
    /// own server does). For a path: creates the directory and removes a stale socket file left by a crash,
    /// but refuses a path some other process still listens on.
    /// </summary>
    public static async Task<Socket> ListenAsync(EndPoint endPoint, CancellationToken cancellation)
    {
        if (endPoint is IPEndPoint { Address: var any } ip && any.Equals(IPAddress.IPv6Any))
        {
            var dualMode = NewSocket(ip);
            dualMode.DualMode = true;
            return Bind(dualMode, ip);
        }
        if (endPoint is DnsEndPoint name)
        {
            IPAddress[] addresses = await Dns.GetHostAddressesAsync(name.Host, cancellation).ConfigureAwait(false);
            if (addresses.Length == 0)
            {
                throw new SocketException((int)SocketError.HostNotFound);
            }
            var resolved = new IPEndPoint(addresses[0], name.Port);
            return Bind(NewSocket(resolved), resolved);
        }
        if (endPoint is UnixDomainSocketEndPoint unix)
        {
            await RemoveStaleSocketFileAsync(unix, cancellation).ConfigureAwait(false);
        }
        return Bind(NewSocket(endPoint), endPoint);
    }

    private static Socket Bind(Socket socket, EndPoint endPoint)
    {
        try
        {
            if (endPoint is IPEndPoint)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }
            socket.Bind(endPoint);
            socket.Listen(1);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task RemoveStaleSocketFileAsync(UnixDomainSocketEndPoint endPoint, CancellationToken cancellation)
    {
        string path = endPoint.ToString();
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        if (!File.Exists(path))
        {
            return;
        }
        using var probe = NewSocket(endPoint);
        try
        {
            await probe.ConnectAsync(endPoint, cancellation).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            File.Delete(path);   // nobody listens there: a leftover of a process that did not clean up
            return;
        }
        throw new IOException($"another process is listening on {path}");
    }

    /// <summary>Removes the socket file this process listened on, so it does not look like a live peer.</summary>
    public static void RemoveSocketFile(EndPoint endPoint)
    {
        if (endPoint is UnixDomainSocketEndPoint unix)
        {
            try
            {
                File.Delete(unix.ToString());
            }
            catch (IOException)
            {
                // Best effort: the next listener removes it as stale anyway.
            }
            catch (UnauthorizedAccessException)
            {
                // Same.
            }
        }
    }
}
