// The forwarding thread as its device ports' only reader and writer (IDeviceHost): a transport opens a
// device (packet ring, tap, packet socket) and hands it over; from then on the loop watches it in its
// one epoll (PortReadiness), reads it between batches into pooled buffers (one copy out of the ring),
// and sends each batch's frames for it in one sendmmsg (rings) or a write per frame (taps). No receive
// thread, no Inbound queue, no wake-up per frame and no lock on the way. A device that reports an error
// (interface down or deleted) is drained, let go, and its transport told why; the transport marks the
// port down and opens it again when it can. Hand-overs come in through a queue and the eventfd, and are
// served between batches like management work.
using System.Collections.Concurrent;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Qos;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Runtime;

internal sealed partial class ForwardingLoop
{
    /// <summary>Frames read from a tap or packet socket between two looks at its kernel drop count while it never drains.</summary>
    private const int DropsReadEvery = 1024;

    private readonly HostedDevice?[] _devices;
    private readonly ConcurrentQueue<DeviceCommand> _deviceCommands = new();
    private readonly Lock _deviceCommandsLock = new();
    private bool _closed;   // Run has ended: devices handed over from now on are not served

    /// <summary>Any thread: the forwarding thread serves <paramref name="device"/> until it is gone or <paramref name="cancellation"/> fires.</summary>
    public async Task<string> ServeUntilGoneAsync(FrameDevice device, PortQueues queues, CancellationToken cancellation)
    {
        var hosted = new HostedDevice(device, queues);
        if (!Post(new DeviceCommand(hosted, Stop: null)))
        {
            // The loop has stopped: nothing will serve the device; wait for the transport's own end
            // rather than hand it back at once (it would reopen the device in a tight loop).
            await Task.Delay(Timeout.Infinite, cancellation).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return "stopped";
        }
        using (cancellation.UnsafeRegister(_ => Post(new DeviceCommand(hosted, Stop: "stopped")), null))
        {
            return await hosted.Ended.Task.ConfigureAwait(false);
        }
    }

    private bool Post(DeviceCommand command)
    {
        lock (_deviceCommandsLock)
        {
            if (_closed)
            {
                command.Device.Ended.TrySetResult("stopped");
                return false;
            }
            _deviceCommands.Enqueue(command);
        }
        _readiness.Wake();
        return true;
    }

    /// <summary>Forwarding thread: devices handed over or taken back since the last batch.</summary>
    private void ServeDeviceCommands()
    {
        while (_deviceCommands.TryDequeue(out DeviceCommand command))
        {
            HostedDevice hosted = command.Device;
            if (command.Stop is string reason)
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
        hosted.Readable = true;   // whatever arrived before it was watched
        _devices[port] = hosted;
    }

    /// <summary>Forwarding thread: stops serving the device (its last drops counted) and tells its transport why.</summary>
    private void LetGo(HostedDevice hosted, string reason)
    {
        _readiness.Unwatch(hosted.Device.Descriptor);
        ReadDrops(hosted);
        _devices[hosted.Port] = null;
        hosted.Ended.TrySetResult(reason);
    }

    /// <summary>On the way out: every device let go, and any handed over meanwhile refused.</summary>
    private void ReleaseDevices()
    {
        lock (_deviceCommandsLock)
        {
            _closed = true;
        }
        ServeDeviceCommands();
        foreach (HostedDevice? hosted in _devices)
        {
            if (hosted is not null)
            {
                LetGo(hosted, "stopped");
            }
        }
    }

    /// <summary>What the last wait reported: taps and sockets to read, devices in error to look at once drained.</summary>
    private void NoteReady(ReadyWork work)
    {
        foreach (ReadyPort ready in work.Ports)
        {
            if (_devices[ready.Port] is HostedDevice hosted)
            {
                hosted.Readable = true;
                hosted.Error |= ready.Error;
            }
        }
    }

    /// <summary>Up to <paramref name="budget"/> frames from one device into the batch; true if it gave any.</summary>
    private bool ReadDevice(HostedDevice hosted, int budget)
    {
        if (hosted.Ring is PacketRingDevice ring)
        {
            return ReadRing(hosted, ring, budget);
        }
        return hosted.Readable && ReadFrameByFrame(hosted, budget);
    }

    /// <summary>
    /// A ring is looked at every turn (one memory read when empty), whatever epoll said: while the loop
    /// is busy it does not ask epoll every turn. Drained and in error: the interface is gone.
    /// </summary>
    private bool ReadRing(HostedDevice hosted, PacketRingDevice ring, int budget)
    {
        var sink = new BatchSink(this, hosted.Port);
        int handed = ring.Ring.Read(ref sink, budget);
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

    /// <summary>A tap or packet socket: one read per frame until it is drained (then epoll tells when there is more).</summary>
    private bool ReadFrameByFrame(HostedDevice hosted, int budget)
    {
        FrameDevice device = hosted.Device;
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

    /// <summary>Once a second: the kernel's drop counts of devices that received since the last look.</summary>
    private void ReadDeviceDrops()
    {
        foreach (HostedDevice? hosted in _devices)
        {
            if (hosted is not null && hosted.SinceDropsRead > 0)
            {
                ReadDrops(hosted);
            }
        }
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
    private void SendToDevice(HostedDevice hosted, EgressScheduler egress)
    {
        LinkCounters counters = hosted.Queues.Counters;
        if (hosted.Ring is PacketRingDevice ring)
        {
            PacketBatchSender sender = ring.Sender;
            SendOutcome outcome = default;
            while (egress.TryDequeue(out FrameBuffer? frame))
            {
                outcome += sender.Add(frame.Span);
                _pool.Release(frame);
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
            _pool.Release(frame);
        }
    }

    /// <summary>Each ring frame into a pooled buffer of the batch, counted as received (or lost by reason).</summary>
    private readonly struct BatchSink(ForwardingLoop loop, int port) : IRingFrameSink
    {
        public void Take(ReadOnlySpan<byte> frame)
        {
            loop._ports[port].Counters.CountReceived(frame.Length);
            loop.TakeFrame(port, frame);
        }

        public void TakeTooBig(int size) => loop._ports[port].ReceivedTooBig(size);
    }

    /// <summary>A device handed over (Stop null) or taken back (Stop: why).</summary>
    private readonly record struct DeviceCommand(HostedDevice Device, string? Stop);

    /// <summary>One device the loop serves, and the task its transport awaits. Forwarding thread only, except Ended.</summary>
    private sealed class HostedDevice(FrameDevice device, PortQueues queues)
    {
        public FrameDevice Device { get; } = device;
        public PacketRingDevice? Ring { get; } = device as PacketRingDevice;
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
    }
}
