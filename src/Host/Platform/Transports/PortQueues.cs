// The meeting point of one port's transport and the forwarding loop: frames in (Inbound), frames out
// (straight into the port's device, or through Outbound for a stream port's send pump), the link's
// state, and the host's count of every frame that crosses (LinkCounters). The transport writes
// Inbound and marks the link up and down; the forwarding loop drains Inbound and calls Send. A device
// port is up while its device is attached and its interface has carrier (CarrierWatcher reports it
// from its own thread): without carrier the port is down but keeps its device, as the Linux bridge
// disables a port without carrier and enables it again when carrier returns.
namespace Hairpin.Host.Transports;

/// <summary>
/// Threading: the link's state changes (Mark*, AttachDevice, DetachDevice, SetCarrier) may come from
/// the transport and the carrier watcher at once: they take one lock, so each change sees the last.
/// </summary>
public sealed class PortQueues : IDisposable
{
    /// <summary>The reason of a port whose interface is admin-up without carrier (iproute2: NO-CARRIER).</summary>
    public const string NoCarrier = "no carrier";

    private readonly SemaphoreSlim _toSend = new(0, int.MaxValue);
    private readonly Lock _deviceLock = new();
    private readonly Lock _linkLock = new();   // the link's state changes, from the transport and the carrier watcher
    private readonly LinkEventLog? _events;
    private FrameDevice? _device;            // while attached, frames go straight into it (one non-blocking syscall)
    private volatile bool _sendsToDevice;    // a device port: nothing ever goes through Outbound
    private volatile bool _up;
    private bool _outageReported;            // the current outage was logged; retries are not
    private bool _deviceAttached;            // under _linkLock
    private bool _carrierLost;               // under _linkLock: the device's interface has no carrier (kept until detached)

    /// <param name="wakeForwarding">Set when frames arrive; the forwarding loop waits on it.</param>
    /// <param name="events">Where the link's ups and downs are logged; null logs nothing.</param>
    public PortQueues(string portName, int slots, int slotSize, ManualResetEventSlim wakeForwarding, LinkEventLog? events = null)
        : this(portName, slots, slotSize, (wakeForwarding ?? throw new ArgumentNullException(nameof(wakeForwarding))).Set, events)
    {
    }

    /// <param name="wakeForwarding">Called when frames arrive in Inbound; wakes the forwarding loop (cheap when it is awake already).</param>
    /// <param name="events">Where the link's ups and downs are logged; null logs nothing.</param>
    public PortQueues(string portName, int slots, int slotSize, Action wakeForwarding, LinkEventLog? events = null)
    {
        PortName = portName;
        Inbound = new FrameSlots(slots, slotSize);
        Outbound = new FrameSlots(slots, slotSize);
        WakeForwarding = wakeForwarding;
        _events = events;
    }

    public string PortName { get; }
    /// <summary>Frames received from the wire, waiting for the forwarding loop.</summary>
    public FrameSlots Inbound { get; }
    /// <summary>Frames the bridge sends, waiting for a stream port's send pump (device ports send directly).</summary>
    public FrameSlots Outbound { get; }
    public Action WakeForwarding { get; }

    /// <summary>
    /// Who serves this port's device once its transport opened one: the forwarding thread's PortIo, which
    /// sets it. A device transport refuses to start without it (InvalidOperationException).
    /// </summary>
    internal IDeviceHost? DeviceHost { get; set; }
    /// <summary>What crossed this port and what was lost on the way, by reason; link ups and downs.</summary>
    public LinkCounters Counters { get; } = new();

    /// <summary>True while the peer is there (interface up with carrier, stream connected).</summary>
    public bool IsUp => _up;
    /// <summary>
    /// True while the peer reads slower than the bridge sends and Outbound is full: the forwarding loop
    /// then leaves frames in the engine's egress queues, which serve them by traffic class.
    /// </summary>
    public bool IsBackedUp => _up && Outbound.IsFull;
    /// <summary>Connections dropped because the peer broke the framing (stream: a length of 0 or over 69,632).</summary>
    public long ProtocolErrors => Counters.Dropped(LinkDropReason.RxProtocolError);
    /// <summary>Last reason the link is down (for `link show`), or null.</summary>
    public string? DownReason { get; private set; } = "not started";

    /// <summary>Transport: a frame came in; it is queued for the engine (or counted as lost) and the loop woken.</summary>
    public bool Receive(ReadOnlySpan<byte> frame)
    {
        bool queued = Deliver(frame);
        WakeForwarding();
        return queued;
    }

    /// <summary>Receive without the wake-up: a transport that delivers a burst wakes the loop once after it.</summary>
    internal bool Deliver(ReadOnlySpan<byte> frame)
    {
        Counters.CountReceived(frame.Length);
        switch (Inbound.Write(frame))
        {
            case SlotWrite.Written:
                return true;
            case SlotWrite.Full:
                Counters.CountDrop(LinkDropReason.RxQueueFull);
                return false;
            default:
                Counters.CountDrop(LinkDropReason.RxTooBig);
                return false;
        }
    }

    /// <summary>Transport: a frame was handed over that is larger than anything we can read whole.</summary>
    internal void ReceivedTooBig(int size)
    {
        Counters.CountReceived(size);
        Counters.CountDrop(LinkDropReason.RxTooBig);
    }

    /// <summary>Transport: frames the kernel dropped for this port's socket (it reports only how many).</summary>
    internal void CountSocketDrops(long frames) => Counters.CountSocketDrops(frames);

    /// <summary>
    /// Forwarding loop: a frame the engine queued for this port. It leaves now (device ports), is queued
    /// for the send pump (stream ports), or is counted as lost by reason. True when sent or queued.
    /// </summary>
    public bool Send(ReadOnlySpan<byte> frame)
    {
        if (_sendsToDevice)
        {
            return SendToDevice(frame);
        }
        if (!_up)
        {
            Counters.CountDrop(LinkDropReason.TxLinkDown);
            return false;
        }
        switch (Outbound.Write(frame))
        {
            case SlotWrite.Written:
                _toSend.Release();
                return true;
            case SlotWrite.Full:
                Counters.CountDrop(LinkDropReason.TxQueueFull);
                return false;
            default:
                Counters.CountDrop(LinkDropReason.TxSendFailed);   // larger than the port carries
                return false;
        }
    }

    private bool SendToDevice(ReadOnlySpan<byte> frame)
    {
        lock (_deviceLock)
        {
            if (_device is not FrameDevice device || !_up)   // not up: no carrier, the frame would only be lost in the kernel
            {
                Counters.CountDrop(LinkDropReason.TxLinkDown);
                return false;
            }
            switch (device.Send(frame))
            {
                case FrameDevice.Sent.Sent:
                    Counters.CountSent(frame.Length);
                    return true;
                case FrameDevice.Sent.Refused:
                    Counters.CountDrop(LinkDropReason.TxSendFailed);
                    return false;
                default:
                    Counters.CountDrop(LinkDropReason.TxLinkDown);   // gone: the poller sees it too and takes the port down
                    return false;
            }
        }
    }

    /// <summary>Stream transport: waits until the loop has queued something to send (or cancellation).</summary>
    public Task WaitToSendAsync(CancellationToken cancellation) => _toSend.WaitAsync(cancellation);

    /// <summary>Outbound's consumer: frames it handed to the peer for good (written and flushed).</summary>
    internal void CountSent(int frames, long bytes) => Counters.CountSent(frames, bytes);

    /// <summary>Outbound's consumer: the peer refused one frame (the link stays up).</summary>
    internal void CountSendFailed() => Counters.CountDrop(LinkDropReason.TxSendFailed);

    /// <summary>Outbound's consumer: frames it took but could not deliver because the peer went away.</summary>
    internal void CountLostWithLink(int frames) => Counters.CountDrops(LinkDropReason.TxLinkDown, frames);

    /// <summary>
    /// Outbound's consumer: drops and counts every frame queued for a peer that is not there. Called on
    /// the way down and while down, so the bridge never waits for an absent peer.
    /// </summary>
    public int DropOutboundLinkDown()
    {
        int dropped = Outbound.Clear();
        Counters.CountDrops(LinkDropReason.TxLinkDown, dropped);
        return dropped;
    }

    /// <summary>Transport: the peer broke the framing and its connection was dropped.</summary>
    internal void CountProtocolError() => Counters.CountProtocolError();

    /// <summary>Device transport, before it first attaches: frames for this port never go through Outbound.</summary>
    internal void SendStraightToDevice() => _sendsToDevice = true;

    /// <summary>Device transport: the device is open; frames go into it from now on, and the link is up.</summary>
    internal void AttachDevice(FrameDevice device)
    {
        lock (_linkLock)
        {
            lock (_deviceLock)
            {
                _device = device;
            }
            _deviceAttached = true;
            if (_carrierLost)
            {
                MarkUnavailable(NoCarrier);   // the first answer came before the device: it starts without carrier
            }
            else
            {
                MarkUp();
            }
        }
    }

    /// <summary>
    /// Carrier watcher: whether the device's interface has carrier. While a device is attached the port
    /// goes down without it (counted, logged once) and up again with it; the device stays open.
    /// </summary>
    internal void SetCarrier(bool present)
    {
        lock (_linkLock)
        {
            _carrierLost = !present;
            if (!_deviceAttached)
            {
                return;   // AttachDevice takes it into account
            }
            if (present && !_up)
            {
                MarkUp();
            }
            else if (!present && _up)
            {
                MarkDown(NoCarrier);
            }
        }
    }

    /// <summary>True while the attached device's interface is admin-up without carrier.</summary>
    public bool CarrierLost
    {
        get
        {
            lock (_linkLock)
            {
                return _deviceAttached && _carrierLost;
            }
        }
    }

    /// <summary>Device transport, before it closes the device: once this returns, no sender is inside it.</summary>
    internal void DetachDevice(string reason, bool stopping)
    {
        lock (_linkLock)
        {
            lock (_deviceLock)
            {
                _device = null;
            }
            _deviceAttached = false;
            _carrierLost = false;   // the next device's interface is asked afresh
            if (stopping)
            {
                MarkStopped();
            }
            else
            {
                MarkDown(reason);
            }
        }
    }

    /// <summary>Transport: the peer is there.</summary>
    public void MarkUp()
    {
        lock (_linkLock)
        {
            if (!_up)
            {
                Counters.CountLinkUp();
                _events?.Up();
            }
            DownReason = null;
            _outageReported = false;
            _up = true;
        }
    }

    /// <summary>
    /// Transport: the peer went away, or is awaited (listening, connecting). Going from up to down is
    /// counted and logged; queued frames are the caller's to drop.
    /// </summary>
    public void MarkDown(string reason)
    {
        lock (_linkLock)
        {
            bool wasUp = _up;
            _up = false;
            DownReason = reason;
            if (wasUp)
            {
                Counters.CountLinkDown();
                Report(reason);
            }
        }
    }

    /// <summary>
    /// Transport: the peer cannot be reached (no such interface, interface down, cannot listen or
    /// connect). Logged once per outage, however often the transport retries.
    /// </summary>
    public void MarkUnavailable(string reason)
    {
        lock (_linkLock)
        {
            MarkDown(reason);
            Report(reason);
        }
    }

    /// <summary>Transport: the port stops (shutdown). Down, counted, not logged as a fault.</summary>
    public void MarkStopped()
    {
        lock (_linkLock)
        {
            if (_up)
            {
                Counters.CountLinkDown();
            }
            _up = false;
            DownReason = "stopped";
        }
    }

    private void Report(string reason)
    {
        if (!_outageReported)
        {
            _outageReported = true;
            _events?.Down(reason);
        }
    }

    public void Dispose() => _toSend.Dispose();
}
