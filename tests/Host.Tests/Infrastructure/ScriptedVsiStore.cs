// An in-process VSI store for unit tests of the plane alone: claims are answered by the test (at once,
// or later through a pending task it settles), and every write is recorded. Real stores are tested
// on their own (embedded file, etcd with a real server).
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Qbg.Store;

namespace Hairpin.Host.Tests.Infrastructure;

internal sealed class ScriptedVsiStore : IVsiStore
{
    private readonly Queue<TaskCompletionSource<ClaimOutcome>> _pending = new();

    public string Appliance { get; init; } = "a1";
    public bool SharedBySite => true;
    public StoreHealth Health { get; set; } = StoreHealth.Connected;

    /// <summary>The answer to the next claims; null: they stay pending until <see cref="Settle"/>.</summary>
    public ClaimOutcome? Answer { get; set; } = new ClaimOutcome.Won(null);

    public List<VsiClaim> Claims { get; } = [];
    public List<(string Port, VsiRecord Vsi)> Updates { get; } = [];
    public List<(string VsiId, string Reason)> Releases { get; } = [];
    public List<VsiSegment> Segments { get; } = [];

    public event EventHandler<VsiStoreEvent>? Changed;

    public string Describe() => "scripted";

    public Task<StoreStartup> OpenAsync(CancellationToken cancel) => Task.FromResult(new StoreStartup([], [], null));

    public Task<ClaimOutcome> ClaimAsync(VsiClaim claim, CancellationToken cancel)
    {
        Claims.Add(claim);
        if (Answer is ClaimOutcome answer)
        {
            return Task.FromResult(answer);
        }
        var pending = new TaskCompletionSource<ClaimOutcome>();
        _pending.Enqueue(pending);
        return pending.Task;
    }

    /// <summary>Settles the oldest pending claim.</summary>
    public void Settle(ClaimOutcome outcome) => _pending.Dequeue().SetResult(outcome);

    public void Update(string port, VsiRecord vsi) => Updates.Add((port, vsi));

    public void Release(string vsiId, string reason) => Releases.Add((vsiId, reason));

    public void PublishCounters(IReadOnlyList<VsiSegment> segments) => Segments.AddRange(segments);

    public Task<IReadOnlyList<StoredVsi>> ListAsync(CancellationToken cancel) => Task.FromResult<IReadOnlyList<StoredVsi>>([]);

    public Task<IReadOnlyList<VsiMove>> HistoryAsync(string vsiId, CancellationToken cancel) => Task.FromResult<IReadOnlyList<VsiMove>>([]);

    public void Raise(VsiStoreEvent change) => Changed?.Invoke(this, change);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
