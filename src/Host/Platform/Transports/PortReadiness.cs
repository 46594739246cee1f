// How the forwarding thread sleeps when there is nothing to do, and only then: one epoll over every
// port's descriptor (a packet ring is readable when the kernel has handed it a block) and one eventfd
// that management work and other threads use to wake it. The thread then reads the ready ports itself,
// so no port needs a receive thread and no frame needs a wake-up of its own. Level-triggered: a port
// the loop left unread (its budget ran out) is reported again on the next wait.
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

/// <summary>
/// Threading: <see cref="Wake"/> may be called from any thread; everything else from the one thread
/// that waits (the forwarding thread). Dispose after that thread has stopped.
/// </summary>
public sealed class PortReadiness : IDisposable
{
    private const int MaxEvents = 64;
    private const ulong WakeToken = 0;
    private const uint EPOLLERR = 0x8;
    private const uint EPOLLHUP = 0x10;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly byte[] _events = new byte[MaxEvents * LinuxNative.EpollEventSize];
    private readonly ReadyPort[] _ready = new ReadyPort[MaxEvents];
    private readonly byte[] _wakeCount = new byte[8];
    private int _wakePending;   // 1 once a Wake wrote the eventfd and no wait has taken it yet: later wakes skip the syscall
    private int _disposed;

    private PortReadiness(int epoll, int wake)
    {
        _epoll = epoll;
        _wake = wake;
    }

    /// <exception cref="DeviceUnavailableException">The kernel refused an epoll or eventfd descriptor.</exception>
    public static PortReadiness Create()
    {
        int epoll = LinuxNative.epoll_create1(LinuxNative.EPOLL_CLOEXEC);
        int wake = LinuxNative.eventfd(0, LinuxNative.EFD_CLOEXEC | LinuxNative.EFD_NONBLOCK);
        if (epoll < 0 || wake < 0 || Control(epoll, LinuxNative.EPOLL_CTL_ADD, wake, WakeToken) != 0)
        {
            string error = LinuxNative.Describe(LinuxNative.LastError);
            foreach (int fd in (int[])[epoll, wake])
            {
                if (fd >= 0)
                {
                    LinuxNative.Close(fd);
                }
            }
            throw new DeviceUnavailableException($"cannot wait for frames (epoll): {error}");
        }
        return new PortReadiness(epoll, wake);
    }

    /// <summary>Reports <paramref name="port"/> whenever <paramref name="fd"/> is readable or in error; false (errno set) if the kernel refused.</summary>
    public bool TryWatch(int fd, int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        return Control(_epoll, LinuxNative.EPOLL_CTL_ADD, fd, (ulong)port + 1) == 0;
    }

    /// <summary>Stops reporting <paramref name="fd"/>; call before closing it. Events already returned by a wait may still name its port.</summary>
    public void Unwatch(int fd) => _ = Control(_epoll, LinuxNative.EPOLL_CTL_DEL, fd, 0);

    /// <summary>Ends the current or next <see cref="WaitForWork"/> at once. Cheap when a wake is already pending.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            Span<byte> one = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(one, 1);
            _ = LinuxNative.write(_wake, ref MemoryMarshal.GetReference(one), 8);   // fails only when the counter is saturated: already signalled
        }
    }

    /// <summary>
    /// Sleeps until a watched port is ready, <see cref="Wake"/> is called, or <paramref name="timeout"/>
    /// passes (<see cref="Timeout.InfiniteTimeSpan"/>: no limit; zero: only looks). A wake that came
    /// before the call ends it at once. The result is valid until the next call.
    /// </summary>
    public ReadyWork WaitForWork(TimeSpan timeout)
    {
        bool woken = Interlocked.Exchange(ref _wakePending, 0) == 1;
        int ready = LinuxNative.epoll_wait(_epoll, ref _events[0], MaxEvents, woken ? 0 : Milliseconds(timeout));
        int ports = 0;
        for (int i = 0; i < ready; i++)
        {
            ReadOnlySpan<byte> entry = _events.AsSpan(i * LinuxNative.EpollEventSize);
            uint events = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            ulong token = BinaryPrimitives.ReadUInt64LittleEndian(entry[LinuxNative.EpollDataOffset..]);
            if (token == WakeToken)
            {
                _ = LinuxNative.read(_wake, ref _wakeCount[0], 8);
                _ = Interlocked.Exchange(ref _wakePending, 0);
                woken = true;
            }
            else
            {
                _ready[ports++] = new ReadyPort((int)(token - 1), (events & (EPOLLERR | EPOLLHUP)) != 0);
            }
        }
        // ready < 0 is EINTR (a signal): an empty result, the caller's loop waits again.
        return new ReadyWork(_ready.AsSpan(0, ports), woken);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            LinuxNative.Close(_epoll);
            LinuxNative.Close(_wake);
        }
    }

    /// <summary>epoll's timeout: -1 for infinite, rounded up so a short wait never becomes a busy poll.</summary>
    private static int Milliseconds(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return -1;
        }
        if (timeout <= TimeSpan.Zero)
        {
            return 0;
        }
        return (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
    }

    private static int Control(int epoll, int operation, int fd, ulong token)
    {
        Span<byte> epollEvent = stackalloc byte[16];
        epollEvent.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(epollEvent, LinuxNative.EPOLLIN);   // EPOLLERR and EPOLLHUP are always reported
        BinaryPrimitives.WriteUInt64LittleEndian(epollEvent[LinuxNative.EpollDataOffset..], token);
        return LinuxNative.epoll_ctl(epoll, operation, fd, ref MemoryMarshal.GetReference(epollEvent));
    }
}

/// <summary>A watched port whose descriptor is readable; <paramref name="Error"/>: it reported an error (for a ring: read SO_ERROR).</summary>
public readonly record struct ReadyPort(int Port, bool Error);

/// <summary>What ended a wait: the ports that are ready, and whether <see cref="PortReadiness.Wake"/> was called.</summary>
public readonly ref struct ReadyWork(ReadOnlySpan<ReadyPort> ports, bool woken)
{
    public ReadOnlySpan<ReadyPort> Ports { get; } = ports;

    public bool Woken { get; } = woken;

    /// <summary>Nothing happened before the timeout.</summary>
    public bool IsIdle => Ports.IsEmpty && !Woken;
}
