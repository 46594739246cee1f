// The process's one listener for link changes: an rtnetlink socket (NETLINK_ROUTE) in the RTMGRP_LINK
// group, read by a thread of its own that sleeps in read(2), so neither the forwarding thread nor any
// port polls a file per frame or per second. Ports follow it by interface index (CarrierFollowing): a
// port asks once with RTM_GETLINK when its device opens, on the same socket, so the answer and the
// events are one ordered stream and no change can slip between "read the state" and "hear changes"
// (a read of /sys/class/net/IF/carrier beside the socket would race with the first event, and sysfs
// may show another namespace than the one the sockets live in). When the kernel had to drop events
// for us (ENOBUFS) every followed index is asked again. Where netlink cannot be opened the watcher
// stays silent and ports behave as before it: up while the interface is admin-up.
using System.Buffers.Binary;

namespace Hairpin.Host.Transports;

/// <summary>
/// Threading: <see cref="Follow"/> and the followings' Dispose from any thread. Reports reach a
/// following on the watcher's thread, under the watcher's lock, so once Dispose has returned none is
/// in progress or to come.
/// </summary>
internal sealed class CarrierWatcher
{
    private const int AfNetlink = 16;
    private const int NetlinkRoute = 0;
    private const uint RtmgrpLink = 1;
    private const int SockaddrNlSize = 12;
    private const int ReceiveBufferSize = 1 << 20;   // a burst of link events (many ports flapping) without ENOBUFS
    private static readonly TimeSpan ErrorPause = TimeSpan.FromSeconds(1);
    private static readonly Lazy<CarrierWatcher> SharedWatcher = new(Start);

    private readonly int _fd;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, List<CarrierFollowing>> _following = [];
    private long _malformed;
    private long _resyncs;
    private long _faults;

    private CarrierWatcher(int fd, string? unavailableReason)
    {
        _fd = fd;
        UnavailableReason = unavailableReason;
    }

    /// <summary>The process's watcher, started at first use.</summary>
    public static CarrierWatcher Shared => SharedWatcher.Value;

    /// <summary>A watcher without a socket: it hears only what <see cref="Dispatch"/> is given (tests).</summary>
    internal static CarrierWatcher WithoutSocket(string reason) => new(-1, reason);

    /// <summary>Why there is no netlink socket (carrier is then not followed), or null.</summary>
    public string? UnavailableReason { get; }

    /// <summary>Messages whose lengths did not add up, skipped.</summary>
    public long MalformedMessages => Interlocked.Read(ref _malformed);

    /// <summary>Datagrams whose handing over threw (a fault of ours): the watcher went on with the next.</summary>
    public long Faults => Interlocked.Read(ref _faults);

    /// <summary>Times the kernel dropped events for us and every followed interface was asked again.</summary>
    public long Resyncs => Interlocked.Read(ref _resyncs);

    /// <summary>
    /// Follows interface <paramref name="index"/>: <paramref name="carrierChanged"/> hears whether it has
    /// carrier, first with the answer to a question asked now, then at every change, until the
    /// following is disposed. Admin-down and deletion are not reported (the port's socket reports them).
    /// </summary>
    public CarrierFollowing Follow(int index, Action<bool> carrierChanged)
    {
        var following = new CarrierFollowing(this, index, carrierChanged);
        lock (_lock)
        {
            if (!_following.TryGetValue(index, out List<CarrierFollowing>? list))
            {
                _following[index] = list = [];
            }
            list.Add(following);
        }
        if (_fd < 0 || !Ask(index))
        {
            following.Unanswered();
        }
        return following;
    }

    internal void Forget(CarrierFollowing following)
    {
        lock (_lock)
        {
            if (_following.TryGetValue(following.Index, out List<CarrierFollowing>? list) && list.Remove(following) && list.Count == 0)
            {
                _following.Remove(following.Index);
            }
        }
    }

    /// <summary>Hands one datagram's messages to the followings they concern (the watcher's thread; tests).</summary>
    internal void Dispatch(ReadOnlySpan<byte> datagram)
    {
        lock (_lock)
        {
            while (RtnetlinkParser.TryTakeNext(ref datagram, out RtnetlinkMessage message))
            {
                switch (message.Kind)
                {
                    case RtnetlinkKind.Link when _following.TryGetValue(message.Link.Index, out List<CarrierFollowing>? list):
                        foreach (CarrierFollowing following in list)
                        {
                            following.Report(message.Link.Carrier);
                        }
                        break;
                    case RtnetlinkKind.Error when _following.TryGetValue((int)message.Sequence, out List<CarrierFollowing>? list):
                        foreach (CarrierFollowing following in list)
                        {
                            following.Unanswered();   // gone meanwhile: its socket says so
                        }
                        break;
                    case RtnetlinkKind.Malformed:
                        Interlocked.Increment(ref _malformed);
                        break;
                }
            }
        }
    }

    private static CarrierWatcher Start()
    {
        int fd = LinuxNative.socket(AfNetlink, LinuxNative.SOCK_RAW | LinuxNative.SOCK_CLOEXEC, NetlinkRoute);
        if (fd < 0)
        {
            return new CarrierWatcher(-1, $"cannot open an rtnetlink socket: {LinuxNative.Describe(LinuxNative.LastError)}");
        }
        byte[] size = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(size, ReceiveBufferSize);
        if (LinuxNative.setsockopt(fd, LinuxNative.SOL_SOCKET, LinuxNative.SO_RCVBUFFORCE, ref size[0], 4) != 0)
        {
            _ = LinuxNative.setsockopt(fd, LinuxNative.SOL_SOCKET, LinuxNative.SO_RCVBUF, ref size[0], 4);
        }
        byte[] address = new byte[SockaddrNlSize];   // struct sockaddr_nl: family, pad, port id 0 (the kernel picks), groups
        BinaryPrimitives.WriteUInt16LittleEndian(address, AfNetlink);
        BinaryPrimitives.WriteUInt32LittleEndian(address.AsSpan(8), RtmgrpLink);
        if (LinuxNative.bind(fd, ref address[0], SockaddrNlSize) != 0)
        {
            string reason = $"cannot join the rtnetlink link group: {LinuxNative.Describe(LinuxNative.LastError)}";
            LinuxNative.Close(fd);
            return new CarrierWatcher(-1, reason);
        }
        var watcher = new CarrierWatcher(fd, null);
        new Thread(watcher.Run) { Name = "hairpin-carrier", IsBackground = true }.Start();
        return watcher;
    }

    private bool Ask(int index)
    {
        Span<byte> request = stackalloc byte[RtnetlinkRequest.GetLinkSize];
        RtnetlinkRequest.WriteGetLink(request, index);
        return LinuxNative.send(_fd, ref request[0], (nuint)request.Length, 0) == request.Length;
    }

    /// <summary>The watcher's thread, for the life of the process: read, dispatch, and ask again after an overrun.</summary>
    private void Run()
    {
        byte[] buffer = new byte[64 * 1024];   // larger than any link message (the kernel's NLMSG_GOODSIZE is at most 8 KiB)
        while (true)
        {
            long read = LinuxNative.read(_fd, ref buffer[0], (nuint)buffer.Length);
            if (read > 0)
            {
                DispatchGuarded(buffer.AsSpan(0, (int)read));
                continue;
            }
            int error = read < 0 ? LinuxNative.LastError : 0;
            if (error == LinuxNative.ENOBUFS)
            {
                Interlocked.Increment(ref _resyncs);
                AskEveryFollowedIndex();
            }
            else if (error != LinuxNative.EINTR)
            {
                Thread.Sleep(ErrorPause);   // not expected on a netlink socket; never a tight loop
            }
        }
    }

    private void DispatchGuarded(ReadOnlySpan<byte> datagram)
    {
        try
        {
            Dispatch(datagram);
        }
#pragma warning disable CA1031 // The one watcher of every port must outlive any fault of one report: the ports would freeze in their last state.
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _faults);
        }
    }

    private void AskEveryFollowedIndex()
    {
        int[] indices;
        lock (_lock)
        {
            indices = [.. _following.Keys];
        }
        foreach (int index in indices)
        {
            _ = Ask(index);
        }
    }
}
