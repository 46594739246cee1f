// Who serves a device port once its transport has opened the device: the program's forwarding thread
// (PortIo, driven by ForwardingLoop), which reads and writes every device itself. The transport only
// opens the device, hands it over, and closes it once the host has let go. An interface rather than
// PortIo itself so the transports need not know the loop.
namespace Hairpin.Host.Transports;

internal interface IDeviceHost
{
    /// <summary>
    /// Serves <paramref name="device"/> for <paramref name="queues"/> until the device is gone (returns
    /// why) or <paramref name="cancellation"/> fires (returns "stopped"). Once the task is complete the
    /// host has let go of the device, and its last drop count is in: the caller may close it.
    /// </summary>
    Task<string> ServeUntilGoneAsync(FrameDevice device, PortQueues queues, CancellationToken cancellation);
}
