// A port on an existing Linux interface (veth, NIC, macvtap lower device) through a promiscuous AF_PACKET
// socket, read through a mapped TPACKET_V2 ring and written with batched sends (PacketRingDevice), or
// with one recvmsg and one send per frame (AfPacketSocket) when HAIRPIN_AFPACKET=recvmsg, to compare the
// two on one build. If the interface goes away or down, the port is down until it is back; the transport
// looks for it about every second. While the interface is up without carrier (a veth whose peer is down,
// a NIC without cable) the port is down too, its sockets kept open, and up again when carrier returns
// (the process's CarrierWatcher reports it).
namespace Hairpin.Host.Transports;

public sealed class AfPacketTransport : PortTransport
{
    private readonly AfPacketAttach _attach;

    /// <exception cref="ArgumentException">The name cannot be a Linux interface name.</exception>
    public AfPacketTransport(AfPacketAttach attach)
    {
        ArgumentNullException.ThrowIfNull(attach);
        InterfaceRequest.ValidateName(attach.Interface);
        _attach = attach;
    }

    public override AttachSpec Attach => _attach;

    /// <summary>Rings unless HAIRPIN_AFPACKET=recvmsg.</summary>
    internal static bool RingsEnabled { get; } =
        !string.Equals(Environment.GetEnvironmentVariable("HAIRPIN_AFPACKET"), "recvmsg", StringComparison.Ordinal);

    protected override Task RunUntilCancelledAsync(PortQueues queues, CancellationToken cancellation) =>
        DeviceTransportLoop.RunAsync(queues, Open, cancellation, CarrierWatcher.Shared);

    /// <summary>The receive ring this port opens: the attach's `ring_frames` slots.</summary>
    internal PacketRingOptions RingOptions => new(FrameCount: _attach.RingFrames);

    private FrameDevice Open() => RingsEnabled ? PacketRingDevice.Open(_attach.Interface, RingOptions) : AfPacketSocket.Open(_attach.Interface);
}
