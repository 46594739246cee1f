// A port on an existing Linux interface (veth, NIC, macvtap lower device) through a promiscuous AF_PACKET
// socket, read through a mapped receive ring (PacketRingDevice) or with recvmsg (AfPacketSocket). If the
// interface goes away or down, the port is down until it is back; the transport looks for it about every second.
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

    /// <summary>
    /// HAIRPIN_AFPACKET=ring: receive through a TPACKET_V3 ring (PacketRingDevice), no recvmsg per
    /// frame. Not yet the default: the kernel hands a ring's block over when it is full or its retire
    /// timer fires (1 ms), so a lone frame waits up to that long, and each ring's timer runs even while
    /// the port is idle (32 idle ports cost measurable CPU). Otherwise one recvmsg per frame (AfPacketSocket).
    /// </summary>
    internal static bool RingsEnabled { get; } =
        string.Equals(Environment.GetEnvironmentVariable("HAIRPIN_AFPACKET"), "ring", StringComparison.Ordinal);

    protected override Task RunUntilCancelledAsync(PortQueues queues, CancellationToken cancellation) =>
        DeviceTransportLoop.RunAsync(queues, Open, cancellation);

    private FrameDevice Open() => RingsEnabled ? PacketRingDevice.Open(_attach.Interface) : AfPacketSocket.Open(_attach.Interface);
}
