// In a program whose forwarding thread does not serve devices itself (IDeviceHost), one thread
// receives for every device port (afpacket, tap) of the process: it sleeps in epoll_wait
// over all their descriptors and one eventfd, and moves what arrives into each port's Inbound. An idle
// port costs nothing (no timer, no thread of its own) and the thread count does not grow with ports,
// as .NET serves its own sockets from one epoll thread (SocketAsyncEngine). Level-triggered, at most
// a burst of frames per device per turn, so one busy port cannot starve the others.
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

/// <summary>
/// Threading: <see cref="ServeUntilGoneAsync"/> may be called from any thread. Everything else runs on
/// the poller's thread, which is the only reader of a watched device and the only writer of its port's
/// Inbound (and receive counters) while it is watched.
/// </summary>
internal sealed class DevicePoller : IDeviceHost
{
    /// <summary>Frames taken from one device before the next ready one gets its turn.</summary>
    private const int Burst = 64;
    /// <summary>During a burst that never drains, the kernel's drop count is read this often (frames).</summary>
    private const int DropsReadEvery = 1024;
    private const int MaxEvents = 64;
    private const ulong WakeToken = 0;

    private static readonly Lock SharedLock = new();
    private static DevicePoller? _shared;

    private readonly int _epoll;
    private readonly int _wake;   // eventfd: commands are waiting
    private readonly byte[] _events = new byte[MaxEvents * LinuxNative.EpollEventSize];
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly Dictionary<ulong, Watch> _watches = [];
    private ulong _lastToken = WakeToken;

    private DevicePoller(string threadName)
    {
        _epoll = LinuxNative.epoll_create1(LinuxNative.EPOLL_CLOEXEC);
        _wake = LinuxNative.eventfd(0, LinuxNative.EFD_CLOEXEC | LinuxNative.EFD_NONBLOCK);
        if (_epoll < 0 || _wake < 0 || Control(LinuxNative.EPOLL_CTL_ADD, _wake, WakeToken) != 0)
        {
            string error = LinuxNative.Describe(LinuxNative.LastError);
            foreach (int fd in (int[])[_epoll, _wake])
            {
                if (fd >= 0)
                {
                    LinuxNative.Close(fd);
                }
            }
            throw new DeviceUnavailableException($"cannot wait for frames (epoll): {error}");
        }
        new Thread(Run) { IsBackground = true, Name = threadName }.Start();
    }

    /// <summary>The process's poller; its thread starts with the first device and sleeps while none is busy.</summary>
    /// <exception cref="DeviceUnavailableException">The kernel refused an epoll or eventfd descriptor (tried again on the next call).</exception>
    public static DevicePoller Shared
    {
        get
        {
            lock (SharedLock)
            {
                return _shared ??= new DevicePoller("hairpin-rx");
            }
        }
    }

    /// <summary>
    /// Receives from <paramref name="device"/> into <paramref name="queues"/> until the device is gone
    /// (returns why) or <paramref name="cancellation"/> fires (returns "stopped"). Once the task is
    /// complete the poller has let go of the device, and its last drop count is in: the caller may close it.
    /// </summary>
    public async Task<string> ServeUntilGoneAsync(FrameDevice device, PortQueues queues, CancellationToken cancellation)
    {
        var watch = new Watch(device, queues);
        Post(() => Start(watch));
        using (cancellation.UnsafeRegister(_ => Post(() => End(watch, "stopped")), null))
        {
            return await watch.Ended.Task.ConfigureAwait(false);
        }
    }

    private void Post(Action command)
    {
        _commands.Enqueue(command);
        Span<byte> one = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(one, 1);
        _ = LinuxNative.write(_wake, ref MemoryMarshal.GetReference(one), 8);   // only fails when the counter is saturated: already signalled
    }

    private void Run()
    {
        while (true)
        {
            int ready = LinuxNative.epoll_wait(_epoll, ref _events[0], MaxEvents, -1);
            if (ready < 0)
            {
                if (LinuxNative.LastError != LinuxNative.EINTR)
                {
                    Thread.Sleep(100);   // cannot happen with a valid epoll descriptor; never spin on it
                }
                continue;
            }
            for (int i = 0; i < ready; i++)
            {
                ulong token = BinaryPrimitives.ReadUInt64LittleEndian(_events.AsSpan((i * LinuxNative.EpollEventSize) + LinuxNative.EpollDataOffset));
                if (token == WakeToken)
                {
                    RunCommands();
                }
                else if (_watches.TryGetValue(token, out Watch? watch))   // not there: ended earlier in this round
                {
                    Serve(watch);
                }
            }
        }
    }

    private void RunCommands()
    {
        Span<byte> count = stackalloc byte[8];
        _ = LinuxNative.read(_wake, ref MemoryMarshal.GetReference(count), 8);
        while (_commands.TryDequeue(out Action? command))
        {
            command();
        }
    }

    private void Start(Watch watch)
    {
        if (watch.Ended.Task.IsCompleted)
        {
            return;
        }
        watch.Token = ++_lastToken;   // never reused, so a stale event cannot reach a newer watch
        if (Control(LinuxNative.EPOLL_CTL_ADD, watch.Device.Descriptor, watch.Token) != 0)
        {
            watch.Ended.TrySetResult($"cannot wait for frames: {LinuxNative.Describe(LinuxNative.LastError)}");
            return;
        }
        _watches.Add(watch.Token, watch);
    }

    private void End(Watch watch, string reason)
    {
        if (_watches.Remove(watch.Token))
        {
            _ = Control(LinuxNative.EPOLL_CTL_DEL, watch.Device.Descriptor, watch.Token);
            ReadDrops(watch);
        }
        watch.Ended.TrySetResult(reason);
    }

    /// <summary>Up to a burst of frames from one ready device; the loop is woken once for all of them.</summary>
    private void Serve(Watch watch)
    {
        FrameDevice device = watch.Device;
        PortQueues queues = watch.Queues;
        bool delivered = false;
        string? gone = null;
        try
        {
            for (int taken = 0; taken < Burst; taken++)
            {
                FrameDevice.Received received = device.TryReceive(out ReadOnlySpan<byte> frame);
                if (received == FrameDevice.Received.Idle)
                {
                    if (watch.SinceDropsRead > 0)
                    {
                        ReadDrops(watch);   // drained: whatever the kernel dropped meanwhile is final now
                    }
                    break;
                }
                if (received == FrameDevice.Received.Gone)
                {
                    gone = device.GoneReason ?? "device gone";
                    break;
                }
                if (received == FrameDevice.Received.Frame)
                {
                    queues.Deliver(frame);
                    delivered = true;
                }
                else if (received == FrameDevice.Received.TooBig)
                {
                    queues.ReceivedTooBig(device.TooBigSize);
                }
                watch.SinceDropsRead++;
            }
            if (watch.SinceDropsRead >= DropsReadEvery)
            {
                ReadDrops(watch);
            }
        }
#pragma warning disable CA1031 // one device's failure takes down its own port, never the poller that serves the others
        catch (Exception error)
#pragma warning restore CA1031
        {
            gone = $"receiving failed: {error.Message}";
        }
        if (delivered)
        {
            queues.WakeForwarding();
        }
        if (gone is not null)
        {
            End(watch, gone);
        }
    }

    private static void ReadDrops(Watch watch)
    {
        watch.SinceDropsRead = 0;
        long drops = watch.Device.TakeKernelDrops();
        if (drops > 0)
        {
            watch.Queues.CountSocketDrops(drops);
        }
    }

    private int Control(int operation, int fd, ulong token)
    {
        Span<byte> epollEvent = stackalloc byte[16];
        epollEvent.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(epollEvent, LinuxNative.EPOLLIN);   // EPOLLERR and EPOLLHUP are always reported
        BinaryPrimitives.WriteUInt64LittleEndian(epollEvent[LinuxNative.EpollDataOffset..], token);
        return LinuxNative.epoll_ctl(_epoll, operation, fd, ref MemoryMarshal.GetReference(epollEvent));
    }

    /// <summary>One device being received from, and the task its transport awaits.</summary>
    private sealed class Watch(FrameDevice device, PortQueues queues)
    {
        public FrameDevice Device { get; } = device;
        public PortQueues Queues { get; } = queues;
        public TaskCompletionSource<string> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public ulong Token { get; set; }
        public int SinceDropsRead { get; set; }
    }
}
