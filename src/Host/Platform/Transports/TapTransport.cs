// A port on a TAP device this process creates (or attaches to, if it exists and no one holds it) and
// brings up (see TapDevice). If the tap is deleted, the port is down and the tap is created again about
// every second. The tap lives as long as the transport runs (it is not made persistent).
namespace Hairpin.Host.Transports;

public sealed class TapTransport : PortTransport
{
    private readonly TapAttach _attach;

    /// <exception cref="ArgumentException">The name cannot be a Linux interface name.</exception>
    public TapTransport(TapAttach attach)
    {
        ArgumentNullException.ThrowIfNull(attach);
        InterfaceRequest.ValidateName(attach.Interface);
        _attach = attach;
    }

    public override AttachSpec Attach => _attach;

    protected override Task RunUntilCancelledAsync(PortQueues queues, CancellationToken cancellation) =>
        DeviceTransportLoop.RunAsync(queues, () => TapDevice.Open(_attach.Interface), cancellation);
}
