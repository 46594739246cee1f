// A port on an existing Linux interface (veth, NIC, macvtap lower device) through a promiscuous AF_PACKET
// socket (see AfPacketSocket). If the interface goes away or down, the port is down until it is back;
// the transport looks for it about every second.
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

    protected override Task RunUntilCancelledAsync(PortQueues queues, CancellationToken cancellation) =>
        DeviceTransportLoop.RunAsync(queues, () => AfPacketSocket.Open(_attach.Interface), cancellation);
}
