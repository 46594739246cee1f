// The forwarding thread's side of every port, for a program whose forwarding thread does its own I/O:
// it is the device ports' only reader and writer (IDeviceHost). A transport opens a device (packet
// ring, tap, packet socket) and hands it over; from then on it is watched in one epoll with every
// other device and the wake-up eventfd (PortReadiness), read between batches into pooled buffers (one
// copy out of the ring), and each batch's frames for it (queued by the program's stage: the appliance's
// egress scheduler, the dumb vswitch's ring per port) leave in one sendmmsg (rings) or one write per
// frame (taps). No receive thread, no wake-up per frame, no lock on the way. Stream ports keep their
// pumps and queues (Inbound, Outbound) and wake the thread through the same eventfd. A device that
// reports an error (interface down or deleted) is drained, let go, and its transport told why; the
// transport marks the port down and opens it again when it can. A device whose port is down while it
// stays attached (its interface lost carrier) is still read, but nothing is sent into it: tx-link-down.
// Hand-overs come in through a queue and the eventfd and are served between batches. A busy ring
// leaves the epoll set while it stays busy (FollowRingBusyness): the kernel then skips epoll's wake-up
// for each frame it writes. Nothing here allocates per frame.
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Host.Transports;

/// <summary>
/// Threading: <see cref="Wake"/> and <see cref="ServeUntilGoneAsync"/> from any thread; everything else
/// from the forwarding thread only. The caller owns the PortReadiness and disposes it after the thread
/// has called <see cref="Close"/>.
/// </summary>
public sealed class PortIo : IDeviceHost
{
    /// <summary>Frames read from a tap or packet socket between two looks at its kernel drop count while it never drains.</summary>
    private const int DropsReadEvery = 1024;
    /// <summary>Gathers in a row in which a ring gave frames before it leaves the epoll set (FollowRingBusyness): a steady flow, not one burst.</summary>
    private const int BusyRingTurns = 4;

    private readonly PortReadiness _readiness;
    private readonly PortQueues[] _ports;
    private readonly HostedDevice?[] _devices;
    private readonly ConcurrentQueue<HandOver> _handOvers = new();
    private readonly Lock _handOversLock = new();
    private bool _closed;   // the forwarding thread has stopped: devices handed over from now on are not served
    private FrameBuffer[] _batch = [];
    private FramePool? _pool;
    private int _gathered;  // frames in _batch during Gather
    private int _unwatchedRings;   // busy rings left out of the epoll set (FollowRingBusyness)

    /// <summary>Serves <paramref name="ports"/>: each one's device, once its transport opens one, is handed to this.</summary>
    public PortIo(PortReadiness readiness, IReadOnlyList<PortQueues> ports)
    {
        ArgumentNullException.ThrowIfNull(readiness);
        ArgumentNullException.ThrowIfNull(ports);
        _readiness = readiness;
        _ports = [.. ports];
        _devices = new HostedDevice?[_ports.Length];
        foreach (PortQueues queues in _ports)
        {
            queues.DeviceHost = this;
        }
    }

    /// <summary>How many ports this serves.</summary>
    public int PortCount => _ports.Length;

    /// <summary>Some device received since its kernel drop count was last read (see <see cref="ReadDeviceDrops"/>).</summary>
    public bool HasUnreadDrops
    {
        get
        {
            foreach (HostedDevice? hosted in _devices)
            {
                if (hosted is not null && hosted.SinceDropsRead > 0)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>Any thread: ends the forwarding thread's current or next <see cref="Wait"/> at once.</summary>
    public void Wake() => _readiness.Wake();

    /// <summary>
    /// Sleeps until a device is ready, <see cref="Wake"/> is called, or <paramref name="timeout"/> passes
    /// (zero: only looks). Ready taps and sockets are read by the next <see cref="Gather"/>.
    /// </summary>
    public void Wait(TimeSpan timeout)
    {
        if (_unwatchedRings > 0 && timeout != TimeSpan.Zero)
        {
            WatchIdleRings();   // a sleep must end when a frame arrives on any port
        }
        foreach (ReadyPort ready in _readiness.WaitForWork(timeout).Ports)
        {
            if (_devices[ready.Port] is HostedDevice hosted)
            {
                hosted.Readable = true;
                hosted.Error |= ready.Error;
            }
        }
    }

    private void WatchIdleRings()
    {
        foreach (HostedDevice? hosted in _devices)
        {
            if (hosted is not null && !hosted.Watched)
            {
                WatchAgain(hosted);
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="batch"/>'s length of received frames, each copied once into a buffer from
    /// <paramref name="pool"/> with its ingress port set, taken round-robin a few at a time from every
    /// device and every Inbound so one busy port cannot starve the others. Frames with no buffer to go
    /// to are counted (rx-no-buffer, rx-too-big) and dropped. Returns how many.
    /// </summary>
    public int Gather(FramePool pool, FrameBuffer[] batch)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(batch);
        _pool = pool;
        _batch = batch;
        _gathered = 0;
        int share = Math.Max(16, batch.Length / Math.Max(1, _ports.Length));
        bool took;
        do
        {
            took = false;
            for (int port = 0; port < _ports.Length && _gathered < batch.Length; port++)
            {
                if (_devices[port] is HostedDevice device)
                {
                    took |= ReadDevice(device, Math.Min(share, batch.Length - _gathered));
                }
                took |= GatherInbound(port, share);
            }
        }
        while (took && _gathered < batch.Length);
        FollowRingBusyness();
        return _gathered;
    }

    /// <summary>
    /// Hands what the engine queued for <paramref name="port"/> to it and releases the buffers: a device
    /// sends it at once (a ring in one sendmmsg); a stream port queues it for its pump, unless the pump
    /// is backed up, and then the rest stays in <paramref name="egress"/> (served by traffic class when
    /// the link is slower than the bridge). True when frames stay for that reason.
    /// </summary>
    public bool Transmit(int port, EgressScheduler egress, FramePool pool)
    {
        ArgumentNullException.ThrowIfNull(egress);
        ArgumentNullException.ThrowIfNull(pool);
        return TransmitFrom(port, new SchedulerQueue(egress), pool);
    }

    /// <summary>
    /// As the scheduler's overload, for a program with one plain queue per port (the dumb vswitch):
    /// frames leave in the ring's order, and a backed-up stream port leaves the rest in <paramref name="egress"/>.
    /// </summary>
    public bool Transmit(int port, FrameRing egress, FramePool pool)
    {
        ArgumentNullException.ThrowIfNull(egress);
        ArgumentNullException.ThrowIfNull(pool);
        return TransmitFrom(port, new RingQueue(egress), pool);
    }

    /// <summary>Devices handed over or taken back since the last call.</summary>
    public void ServeHandOvers()
    {
        while (_handOvers.TryDequeue(out HandOver handOver))
        {
            HostedDevice hosted = handOver.Device;
            if (handOver.Stop is string reason)
            {
                if (hosted.Port >= 0 && _devices[hosted.Port] == hosted)
                {
                    LetGo(hosted, reason);
                }
                hosted.Ended.TrySetResult(reason);
            }
            else
            {
                Attach(hosted);
            }
        }
    }

    /// <summary>The kernel's drop counts of devices that received since the last look (call about once a second).</summary>
    public void ReadDeviceDrops()
    {
        foreach (HostedDevice? hosted in _devices)
        {
            if (hosted is not null && hosted.SinceDropsRead > 0)
            {
                ReadDrops(hosted);
            }
        }
    }

    /// <summary>The forwarding thread stops: every device let go ("stopped"), and any handed over from now on refused.</summary>
    public void Close()
    {
        lock (_handOversLock)
        {
            _closed = true;
        }
        ServeHandOvers();
        foreach (HostedDevice? hosted in _devices)
        {
            if (hosted is not null)
            {
                LetGo(hosted, "stopped");
            }
        }
    }

    /// <summary>The one body of both Transmit overloads (a struct queue: specialised by the JIT, nothing boxed).</summary>
    private bool TransmitFrom<TQueue>(int port, TQueue egress, FramePool pool)
        where TQueue : struct, IEgressQueue
    {
        if (egress.IsEmpty)
        {
            return false;
        }
        if (_devices[port] is HostedDevice device)
        {
            if (_ports[port].IsUp)
            {
                SendToDevice(device, egress, pool);
            }
            else
            {
                DropLinkDown(device.Queues.Counters, egress, pool);   // no carrier: the kernel would only drop them, uncounted by us
            }
            return false;
        }
        PortQueues queues = _ports[port];
        while (!egress.IsEmpty)
        {
            if (queues.IsBackedUp)
            {
                return true;
            }
            if (!egress.TryDequeue(out FrameBuffer? frame))
            {
                break;
            }
            queues.Send(frame.Span);   // sent, queued, or counted as lost by reason (link down, queue full, refused)
            pool.Release(frame);
        }
        return false;
    }

    async Task<string> IDeviceHost.ServeUntilGoneAsync(FrameDevice device, PortQueues queues, CancellationToken cancellation)
    {
        var hosted = new HostedDevice(device, queues);
        if (!Post(new HandOver(hosted, Stop: null)))
        {
            // The forwarding thread has stopped: nothing will serve the device. Wait for the transport's
            // own end rather than hand it back at once (it would reopen the device in a tight loop).
            await Task.Delay(Timeout.Infinite, cancellation).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return "stopped";
        }
        using (cancellation.UnsafeRegister(_ => Post(new HandOver(hosted, Stop: "stopped")), null))
        {
            return await hosted.Ended.Task.ConfigureAwait(false);
        }
    }

    private bool Post(HandOver handOver)
    {
        lock (_handOversLock)
        {
            if (_closed)
            {
                handOver.Device.Ended.TrySetResult("stopped");
                return false;
            }
            _handOvers.Enqueue(handOver);
        }
        _readiness.Wake();
        return true;
    }

    private void Attach(HostedDevice hosted)
    {
        if (hosted.Ended.Task.IsCompleted)
        {
            return;   // taken back before it was served
        }
        int port = Array.IndexOf(_ports, hosted.Queues);
        if (port < 0)
        {
            hosted.Ended.TrySetResult("not a port of this bridge");
            return;
        }
        if (_devices[port] is HostedDevice previous)
        {
            LetGo(previous, "replaced");
        }
        if (!_readiness.TryWatch(hosted.Device.Descriptor, port))
        {
            hosted.Ended.TrySetResult($"cannot wait for frames: {LinuxNative.Describe(LinuxNative.LastError)}");
            return;
        }
        hosted.Port = port;
        hosted.Watched = true;
        hosted.Readable = true;   // whatever arrived before it was watched
        _devices[port] = hosted;
    }

    /// <summary>Stops serving the device (its last drops counted) and tells its transport why.</summary>
    private void LetGo(HostedDevice hosted, string reason)
    {
        if (hosted.Watched)
        {
            _readiness.Unwatch(hosted.Device.Descriptor);
        }
        else
        {
            _unwatchedRings--;
        }
        ReadDrops(hosted);
        _devices[hosted.Port] = null;
        hosted.Ended.TrySetResult(reason);
    }

    /// <summary>Frames a stream port's transport queued in Inbound.</summary>
    private bool GatherInbound(int port, int share)
    {
        FrameSlots inbound = _ports[port].Inbound;
        bool took = false;
        for (int taken = 0; taken < share && _gathered < _batch.Length && inbound.TryPeek(out ReadOnlySpan<byte> frame); taken++)
        {
            TakeFrame(port, frame);
            inbound.Release();
            took = true;
        }
        return took;
    }

    /// <summary>One received frame into a pooled buffer of the batch (the one copy), or counted as lost.</summary>
    private void TakeFrame(int port, ReadOnlySpan<byte> frame)
    {
        FramePool pool = _pool!;
        if (!pool.TryRent(out FrameBuffer? buffer))
        {
            _ports[port].Counters.CountDrop(LinkDropReason.RxNoBuffer);
        }
        else if (!buffer.TryCopyFrom(frame))
        {
            pool.Release(buffer);
            _ports[port].Counters.CountDrop(LinkDropReason.RxTooBig);   // larger than a pool buffer
        }
        else
        {
            buffer.IngressPort = port;
            _batch[_gathered++] = buffer;
        }
    }

    /// <summary>Up to <paramref name="budget"/> frames from one device into the batch; true if it gave any.</summary>
    private bool ReadDevice(HostedDevice hosted, int budget)
    {
        if (hosted.Ring is PacketRingDevice ring)
        {
            return ReadRing(hosted, ring, budget);
        }
        return hosted.Readable && hosted.FrameByFrame is FrameByFrameDevice device && ReadFrameByFrame(hosted, device, budget);
    }

    /// <summary>
    /// A ring is looked at every turn (one memory read when empty), whatever epoll said: the forwarding
    /// thread does not ask epoll every turn while it is busy. Drained and in error: the interface is gone.
    /// </summary>
    private bool ReadRing(HostedDevice hosted, PacketRingDevice ring, int budget)
    {
        var sink = new BatchSink(this, hosted.Port);
        int handed = ring.Ring.Read(ref sink, budget);
        if (handed > 0)
        {
            hosted.GaveFrames = true;
        }
        else
        {
            hosted.FoundEmpty = true;
        }
        if (ring.Ring.TakeLosing())
        {
            ReadDrops(hosted);   // the kernel marks frames once it has dropped some since the last count
        }
        hosted.SinceDropsRead += handed;
        if (handed < budget && (hosted.Error || hosted.Gone is not null))
        {
            hosted.Error = false;
            if (ring.TakeGone() || hosted.Gone is not null)
            {
                LetGo(hosted, ring.GoneReason ?? hosted.Gone ?? "device gone");
            }
        }
        return handed > 0;
    }

    /// <summary>
    /// A ring that gave frames in <see cref="BusyRingTurns"/> gathers in a row leaves the epoll set,
    /// and comes back after a gather that found it empty (and before any sleep): while it is in the
    /// set, the kernel runs the set's wake-up callback, under a lock with interrupts off, for every
    /// frame it writes into the ring, on the sender's CPU (about 4 % of that CPU at 64-byte frames).
    /// A busy ring is read every turn anyway. Its errors (interface gone) are reported once it is
    /// back in the set: it goes quiet when its interface goes.
    /// </summary>
    private void FollowRingBusyness()
    {
        foreach (HostedDevice? hosted in _devices)
        {
            if (hosted?.Ring is null)
            {
                continue;
            }
            bool gave = hosted.GaveFrames;
            bool foundEmpty = hosted.FoundEmpty;
            hosted.GaveFrames = false;
            hosted.FoundEmpty = false;
            if (!gave)
            {
                if (foundEmpty)   // not when the batch filled before its turn came
                {
                    hosted.BusyTurns = 0;
                    if (!hosted.Watched)
                    {
                        WatchAgain(hosted);
                    }
                }
                continue;
            }
            if (hosted.Watched && ++hosted.BusyTurns >= BusyRingTurns)
            {
                _readiness.Unwatch(hosted.Device.Descriptor);
                hosted.Watched = false;
                _unwatchedRings++;
            }
        }
    }

    /// <summary>A ring back in the epoll set: epoll reports at once whatever it holds (or its error).</summary>
    private void WatchAgain(HostedDevice hosted)
    {
        if (_readiness.TryWatch(hosted.Device.Descriptor, hosted.Port))
        {
            hosted.Watched = true;
            _unwatchedRings--;
        }
        // Refused (out of memory): still read every turn; tried again at its next empty read or sleep.
    }

    /// <summary>A tap or packet socket: one read per frame until it is drained (then epoll says when there is more).</summary>
    private bool ReadFrameByFrame(HostedDevice hosted, FrameByFrameDevice device, int budget)
    {
        PortQueues queues = hosted.Queues;
        int taken = 0;
        for (int turn = 0; turn < budget; turn++)
        {
            FrameDevice.Received received = device.TryReceive(out ReadOnlySpan<byte> frame);
            if (received == FrameDevice.Received.Idle)
            {
                hosted.Readable = false;
                hosted.Error = false;
                if (hosted.SinceDropsRead > 0)
                {
                    ReadDrops(hosted);   // drained: whatever the kernel dropped meanwhile is final now
                }
                if (hosted.Gone is string gone)
                {
                    LetGo(hosted, gone);
                }
                return taken > 0;
            }
            if (received == FrameDevice.Received.Gone)
            {
                LetGo(hosted, device.GoneReason ?? hosted.Gone ?? "device gone");
                return taken > 0;
            }
            if (received == FrameDevice.Received.Frame)
            {
                queues.Counters.CountReceived(frame.Length);
                TakeFrame(hosted.Port, frame);
                taken++;
            }
            else if (received == FrameDevice.Received.TooBig)
            {
                queues.ReceivedTooBig(device.TooBigSize);
            }
            hosted.SinceDropsRead++;
        }
        if (hosted.SinceDropsRead >= DropsReadEvery)
        {
            ReadDrops(hosted);
        }
        return taken > 0;
    }

    private static void ReadDrops(HostedDevice hosted)
    {
        hosted.SinceDropsRead = 0;
        long drops = hosted.Device.TakeKernelDrops();
        if (drops > 0)
        {
            hosted.Queues.CountSocketDrops(drops);
        }
    }

    /// <summary>Everything the engine queued for one device: a ring's in one sendmmsg (or a few), a tap's one write each.</summary>
    private static void SendToDevice<TQueue>(HostedDevice hosted, TQueue egress, FramePool pool)
        where TQueue : struct, IEgressQueue
    {
        LinkCounters counters = hosted.Queues.Counters;
        if (hosted.Ring is PacketRingDevice ring)
        {
            PacketBatchSender sender = ring.Sender;
            SendOutcome outcome = default;
            while (egress.TryDequeue(out FrameBuffer? frame))
            {
                outcome += sender.Add(frame.Span);
                pool.Release(frame);
            }
            outcome += sender.Flush();
            counters.CountSent(outcome.Sent, sender.TakeSentBytes());
            counters.CountDrops(outcome.Gone ? LinkDropReason.TxLinkDown : LinkDropReason.TxSendFailed, outcome.Refused);
            if (outcome.Gone)
            {
                ring.SendFoundGone();
                hosted.Gone ??= ring.GoneReason;   // let go once what the ring still holds is read
            }
            return;
        }
        FrameDevice device = hosted.Device;
        while (egress.TryDequeue(out FrameBuffer? frame))
        {
            ReadOnlySpan<byte> span = frame.Span;
            switch (device.Send(span))
            {
                case FrameDevice.Sent.Sent:
                    counters.CountSent(span.Length);
                    break;
                case FrameDevice.Sent.Refused:
                    counters.CountDrop(LinkDropReason.TxSendFailed);
                    break;
                default:
                    counters.CountDrop(LinkDropReason.TxLinkDown);
                    hosted.Gone ??= device.GoneReason ?? "device gone";
                    hosted.Readable = true;   // read what is left, then let go
                    break;
            }
            pool.Release(frame);
        }
    }

    /// <summary>Everything queued for a device port that is down while its device stays open (no carrier): counted as tx-link-down.</summary>
    private static void DropLinkDown<TQueue>(LinkCounters counters, TQueue egress, FramePool pool)
        where TQueue : struct, IEgressQueue
    {
        int dropped = 0;
        while (egress.TryDequeue(out FrameBuffer? frame))
        {
            pool.Release(frame);
            dropped++;
        }
        counters.CountDrops(LinkDropReason.TxLinkDown, dropped);
    }

    /// <summary>Each ring frame into a pooled buffer of the batch, counted as received (or lost by reason).</summary>
    private readonly struct BatchSink(PortIo io, int port) : IRingFrameSink
    {
        public void Take(ReadOnlySpan<byte> frame)
        {
            io._ports[port].Counters.CountReceived(frame.Length);
            io.TakeFrame(port, frame);
        }

        public void TakeTooBig(int size) => io._ports[port].ReceivedTooBig(size);
    }

    /// <summary>What Transmit takes a port's frames from: the appliance's scheduler or a plain ring.</summary>
    private interface IEgressQueue
    {
        bool IsEmpty { get; }

        bool TryDequeue([NotNullWhen(true)] out FrameBuffer? frame);
    }

    private readonly struct SchedulerQueue(EgressScheduler scheduler) : IEgressQueue
    {
        public bool IsEmpty => scheduler.IsEmpty;

        public bool TryDequeue([NotNullWhen(true)] out FrameBuffer? frame) => scheduler.TryDequeue(out frame);
    }

    private readonly struct RingQueue(FrameRing ring) : IEgressQueue
    {
        public bool IsEmpty => ring.IsEmpty;

        public bool TryDequeue([NotNullWhen(true)] out FrameBuffer? frame) => ring.TryDequeue(out frame);
    }

    /// <summary>A device handed over (Stop null) or taken back (Stop: why).</summary>
    private readonly record struct HandOver(HostedDevice Device, string? Stop);

    /// <summary>One device being served, and the task its transport awaits. Forwarding thread only, except Ended.</summary>
    private sealed class HostedDevice(FrameDevice device, PortQueues queues)
    {
        public FrameDevice Device { get; } = device;
        public PacketRingDevice? Ring { get; } = device as PacketRingDevice;
        /// <summary>A tap or plain packet socket (null for a ring, which is read in place).</summary>
        public FrameByFrameDevice? FrameByFrame { get; } = device as FrameByFrameDevice;
        public PortQueues Queues { get; } = queues;
        public TaskCompletionSource<string> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Port { get; set; } = -1;
        /// <summary>Epoll reported it readable and a read has not found it empty since (taps, packet sockets).</summary>
        public bool Readable { get; set; }
        /// <summary>Epoll reported an error: looked at once what it holds is read.</summary>
        public bool Error { get; set; }
        /// <summary>A send found the interface gone: let go once what it holds is read.</summary>
        public string? Gone { get; set; }
        public long SinceDropsRead { get; set; }
        /// <summary>In the epoll set (a busy ring leaves it: FollowRingBusyness).</summary>
        public bool Watched { get; set; }
        /// <summary>A ring's gathers in a row that it gave frames in.</summary>
        public int BusyTurns { get; set; }
        /// <summary>A ring gave frames in the current gather.</summary>
        public bool GaveFrames { get; set; }
        /// <summary>A ring was read and found empty in the current gather.</summary>
        public bool FoundEmpty { get; set; }
    }
}
