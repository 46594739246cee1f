// The life of a device-backed port (afpacket, tap): open the device, hand it to the port's IDeviceHost
// (the forwarding thread's PortIo, which reads and writes it), mark the port down when it goes, and try
// to open it again about every second. A port whose device is up and quiet never wakes. Without a host
// nothing would ever read the device, so a port no PortIo serves is refused at once.
namespace Hairpin.Host.Transports;

internal static class DeviceTransportLoop
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs until <paramref name="cancellation"/>, then throws OperationCanceledException.</summary>
    /// <exception cref="InvalidOperationException">No forwarding thread serves the port's devices (<see cref="PortQueues.DeviceHost"/> not set).</exception>
    public static async Task RunAsync(PortQueues queues, Func<FrameDevice> open, CancellationToken cancellation)
    {
        IDeviceHost host = queues.DeviceHost ?? throw new InvalidOperationException(
            $"port {queues.PortName}: no forwarding loop serves its device; build the PortIo over the port's queues before starting its transport");
        queues.SendStraightToDevice();
        while (true)
        {
            FrameDevice device;
            try
            {
                device = open();
            }
            catch (DeviceUnavailableException e)
            {
                queues.MarkUnavailable(e.Message);
                await Task.Delay(RetryInterval, cancellation).ConfigureAwait(false);
                continue;
            }
            string reason = "stopped";
            try
            {
                queues.AttachDevice(device);
                reason = await host.ServeUntilGoneAsync(device, queues, cancellation).ConfigureAwait(false);
            }
            finally
            {
                queues.DetachDevice(reason, stopping: cancellation.IsCancellationRequested);   // before it closes: no sender inside
                device.Dispose();
            }
            cancellation.ThrowIfCancellationRequested();
        }
    }
}
