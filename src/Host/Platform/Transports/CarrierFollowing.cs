// One port's interest in one interface's carrier (CarrierWatcher.Follow): it hears "carrier or not"
// from the watcher's thread, and says when the first answer is in, so a transport can wait for it
// before it marks its port up (no up-then-down blip for a port that starts without carrier).
namespace Hairpin.Host.Transports;

internal sealed class CarrierFollowing : IDisposable
{
    private readonly CarrierWatcher _watcher;
    private readonly Action<bool> _carrierChanged;
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal CarrierFollowing(CarrierWatcher watcher, int index, Action<bool> carrierChanged)
    {
        _watcher = watcher;
        Index = index;
        _carrierChanged = carrierChanged;
    }

    public int Index { get; }

    /// <summary>Completes with the first answer about the interface (or when there will be none).</summary>
    public Task Answered => _answered.Task;

    /// <summary>The watcher's thread: the interface's state now. Admin-down and deletion are the socket's to report.</summary>
    internal void Report(LinkCarrier carrier)
    {
        if (carrier is LinkCarrier.Present or LinkCarrier.Absent)
        {
            _carrierChanged(carrier == LinkCarrier.Present);
        }
        _answered.TrySetResult();
    }

    /// <summary>No answer will come (no netlink, or the interface went before it was asked about).</summary>
    internal void Unanswered() => _answered.TrySetResult();

    /// <summary>No report reaches this following once Dispose returns.</summary>
    public void Dispose() => _watcher.Forget(this);
}
