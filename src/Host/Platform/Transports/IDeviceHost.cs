// Who serves a device port once its transport has opened the device: the program's forwarding thread,
// which reads and writes every device itself (ForwardingLoop), or, in a program without one, the
// process's DevicePoller, which receives into the port's Inbound. The transport only opens the device,
// hands it over, and closes it once the host has let go.
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
