// The life of a device-backed port (afpacket, tap): open the device, pump frames with one thread per
// direction until it goes away, mark the port down, try again about every second, forever.
using System.Runtime.ExceptionServices;

namespace Hairpin.Host.Transports;

internal static class DeviceTransportLoop
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long a pump thread sleeps in the kernel before it looks at cancellation again.</summary>
    private const int PollMilliseconds = 100;

    /// <summary>Runs until <paramref name="cancellation"/>, then throws OperationCanceledException.</summary>
    public static async Task RunAsync(PortQueues queues, string name, Func<FrameDevice> open, CancellationToken cancellation)
    {
        while (true)
        {
            FrameDevice device;
            try
            {
                device = open();
            }
            catch (DeviceUnavailableException e)
            {
                queues.MarkDown(e.Message);
                await LinkDownDrain.WhileAsync(queues, () => Task.Delay(RetryInterval, cancellation)).ConfigureAwait(false);
                continue;
            }
            string reason;
            using (device)
            {
                queues.MarkUp();
                queues.AttachDirect(device);
                try
                {
                    reason = await PumpAsync(device, queues, name, cancellation).ConfigureAwait(false);
                }
                finally
                {
                    queues.DetachDirect();   // before the device closes: no sender may be inside it then
                }
            }
            queues.MarkDown(reason);
            queues.DropOutboundLinkDown();
            cancellation.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Moves frames both ways until the device is gone or cancellation; returns why it stopped.</summary>
    private static async Task<string> PumpAsync(FrameDevice device, PortQueues queues, string name, CancellationToken cancellation)
    {
        using var end = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        string? reason = null;
        void Gone()
        {
            Interlocked.CompareExchange(ref reason, device.GoneReason ?? "device gone", null);
            end.Cancel();
        }
        Task receiving = StartThread($"rx {name}", () => ReceiveUntilGone(device, queues, Gone, end.Token));
        Task sending = StartThread($"tx {name}", () => SendUntilGone(device, queues, Gone, end.Token));
        await Task.WhenAll(receiving, sending).ConfigureAwait(false);
        return reason ?? "stopped";
    }

    private static void ReceiveUntilGone(FrameDevice device, PortQueues queues, Action gone, CancellationToken end)
    {
        while (!end.IsCancellationRequested)
        {
            switch (device.Receive(PollMilliseconds, out ReadOnlySpan<byte> frame))
            {
                case FrameDevice.Received.Frame:
                    queues.Receive(frame);   // a full Inbound counts the drop itself
                    break;
                case FrameDevice.Received.Gone:
                    gone();
                    return;
            }
        }
    }

    private static void SendUntilGone(FrameDevice device, PortQueues queues, Action gone, CancellationToken end)
    {
        var poll = TimeSpan.FromMilliseconds(PollMilliseconds);
        try
        {
            while (!end.IsCancellationRequested)
            {
                if (!queues.WaitToSend(poll, end))
                {
                    continue;
                }
                while (queues.Outbound.TryPeek(out ReadOnlySpan<byte> frame))
                {
                    FrameDevice.Sent sent = device.Send(frame);
                    queues.Outbound.Release();
                    if (sent == FrameDevice.Sent.Refused)
                    {
                        queues.CountSendFailed();
                    }
                    else if (sent == FrameDevice.Sent.Gone)
                    {
                        queues.CountSendFailed();
                        gone();
                        return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (end.IsCancellationRequested)
        {
            // The receive side saw the device go, or the port stops.
        }
    }

    /// <summary>A dedicated, named background thread: the pumps block in poll(), which must not hold a pool thread.</summary>
    private static Task StartThread(string name, Action body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                body();
                done.SetResult();
            }
#pragma warning disable CA1031 // a pump's unexpected failure must reach the awaiting loop, not kill the process
            catch (Exception e)
#pragma warning restore CA1031
            {
                done.SetException(ExceptionDispatchInfo.SetCurrentStackTrace(e));
            }
        })
        {
            Name = name,
            IsBackground = true,
        };
        thread.Start();
        return done.Task;
    }
}
