// The life of a device-backed port (afpacket, tap): open the device, hand it to the port's IDeviceHost
// (the forwarding thread, which reads and writes it; or the process's DevicePoller, which receives while
// the forwarding thread sends straight into it), mark the port down when it goes, and try to open it
// again about every second. A port whose device is up and quiet never wakes.
namespace Hairpin.Host.Transports;

internal static class DeviceTransportLoop
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs until <paramref name="cancellation"/>, then throws OperationCanceledException.</summary>
    public static async Task RunAsync(PortQueues queues, Func<FrameDevice> open, CancellationToken cancellation)
    {
        queues.SendStraightToDevice();
        while (true)
        {
            FrameDevice device;
            IDeviceHost host;
            try
            {
                host = queues.DeviceHost ?? DevicePoller.Shared;
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
