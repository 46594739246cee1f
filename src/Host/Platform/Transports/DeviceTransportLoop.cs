// The life of a device-backed port (afpacket, tap): open the device, hand it to the port's IDeviceHost
// (the forwarding thread's PortIo, which reads and writes it), mark the port down when it goes, and try
// to open it again about every second. A port whose device is up and quiet never wakes. Without a host
// nothing would ever read the device, so a port no PortIo serves is refused at once. Given a carrier
// watcher, a device bound to an interface follows that interface's carrier while it is open: the
// first answer is awaited (briefly) before the port is marked up, so a port that starts without
// carrier is never up for a moment.
namespace Hairpin.Host.Transports;

internal static class DeviceTransportLoop
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);
    /// <summary>How long a newly opened device waits for its interface's carrier before it is assumed present.</summary>
    public static readonly TimeSpan CarrierAnswerLimit = TimeSpan.FromSeconds(1);

    /// <summary>Runs until <paramref name="cancellation"/>, then throws OperationCanceledException.</summary>
    /// <param name="carrier">Whose reports of the device's interface carrier the port follows; null: none (taps).</param>
    /// <exception cref="InvalidOperationException">No forwarding thread serves the port's devices (<see cref="PortQueues.DeviceHost"/> not set).</exception>
    public static async Task RunAsync(PortQueues queues, Func<FrameDevice> open, CancellationToken cancellation, CarrierWatcher? carrier = null)
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
            CarrierFollowing? following = null;
            try
            {
                following = await FollowCarrierAsync(carrier, device, queues, cancellation).ConfigureAwait(false);
                queues.AttachDevice(device);
                reason = await host.ServeUntilGoneAsync(device, queues, cancellation).ConfigureAwait(false);
            }
            finally
            {
                following?.Dispose();   // before detaching: no late report reaches the next device's port state
                queues.DetachDevice(reason, stopping: cancellation.IsCancellationRequested);   // before it closes: no sender inside
                device.Dispose();
            }
            cancellation.ThrowIfCancellationRequested();
        }
    }

    private static async Task<CarrierFollowing?> FollowCarrierAsync(CarrierWatcher? carrier, FrameDevice device, PortQueues queues, CancellationToken cancellation)
    {
        if (carrier is null || device.InterfaceIndex <= 0)
        {
            return null;
        }
        CarrierFollowing following = carrier.Follow(device.InterfaceIndex, queues.SetCarrier);
        try
        {
            await following.Answered.WaitAsync(CarrierAnswerLimit, cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No answer in time: carrier is assumed, and a later report still takes the port down.
        }
        catch
        {
            following.Dispose();
            throw;
        }
        return following;
    }
}
