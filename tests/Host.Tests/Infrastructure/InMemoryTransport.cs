// A transport double for runtime unit tests: the test plays the peer, pushing frames in through the
// port's queues and taking what the bridge sends. Real transports are tested against the kernel.
using Hairpin.Host.Configuration;
using Hairpin.Host.Runtime;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.Host.Tests.Infrastructure;

internal sealed class InMemoryTransport(AttachSpec attach) : IPortTransport
{
    private readonly TaskCompletionSource<PortQueues> _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AttachSpec Attach { get; } = attach;

    public Task<PortQueues> Attached => _attached.Task;

    public async Task RunAsync(PortQueues queues, CancellationToken cancellation)
    {
        queues.MarkUp();
        _attached.SetResult(queues);
        await Task.Delay(Timeout.Infinite, cancellation).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        queues.MarkDown("stopped");
    }

    /// <summary>Frames the bridge sent to this peer so far (waits up to <paramref name="timeout"/> for at least <paramref name="atLeast"/>).</summary>
    public async Task<List<byte[]>> TakeSentAsync(int atLeast, TimeSpan timeout)
    {
        PortQueues queues = await Attached.ConfigureAwait(false);
        var sent = new List<byte[]>();
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            while (queues.Outbound.TryPeek(out ReadOnlySpan<byte> frame))
            {
                sent.Add(frame.ToArray());
                queues.CountSent(1, frame.Length);   // as a real transport does once the peer has the frame
                queues.Outbound.Release();
            }
            if (sent.Count >= atLeast || DateTime.UtcNow >= deadline)
            {
                return sent;
            }
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A running appliance whose every port is an <see cref="InMemoryTransport"/>, by port name (the runtime tests' start).</summary>
internal static class InMemoryRuntime
{
    /// <param name="logs">Where the runtime logs; none by default.</param>
    /// <param name="time">The runtime's clock; the system's by default.</param>
    public static (BridgeRuntime Runtime, Dictionary<string, InMemoryTransport> Peers) Start(HostConfig config, ILoggerFactory? logs = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var peers = new Dictionary<string, InMemoryTransport>(StringComparer.Ordinal);
        var runtime = BridgeRuntime.Start(config, logs ?? NullLoggerFactory.Instance, attach =>
        {
            var peer = new InMemoryTransport(attach);
            peers[config.Attachments.Single(a => a.Attach == attach).Port] = peer;
            return peer;
        }, time);
        return (runtime, peers);
    }
}
