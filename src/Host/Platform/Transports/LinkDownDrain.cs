// While a port's peer is away, the bridge may still queue frames for it; this drops and counts them as
// they come so the Outbound queue never fills with stale frames that would reach the peer when it returns.
namespace Hairpin.Host.Transports;

internal static class LinkDownDrain
{
    /// <summary>
    /// Drops Outbound frames until <paramref name="stop"/> is cancelled. Runs as Outbound's only consumer:
    /// await it before a session starts sending.
    /// </summary>
    public static async Task RunAsync(PortQueues queues, CancellationToken stop)
    {
        queues.DropOutboundLinkDown();
        try
        {
            while (true)
            {
                await queues.WaitToSendAsync(stop).ConfigureAwait(false);
                queues.DropOutboundLinkDown();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The peer is back (or the port stops): the caller takes Outbound over.
        }
    }

    /// <summary>Runs <paramref name="wait"/> while dropping Outbound frames, and stops dropping when it ends.</summary>
    public static Task WhileAsync(PortQueues queues, Func<Task> wait) =>
        WhileAsync(queues, async () =>
        {
            await wait().ConfigureAwait(false);
            return true;
        });

    /// <summary>Runs <paramref name="wait"/> while dropping Outbound frames, and stops dropping when it ends.</summary>
    public static async Task<T> WhileAsync<T>(PortQueues queues, Func<Task<T>> wait)
    {
        using var stop = new CancellationTokenSource();
        Task drain = RunAsync(queues, stop.Token);
        try
        {
            return await wait().ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await drain.ConfigureAwait(false);
        }
    }
}
