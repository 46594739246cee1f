// Where the 802.1Qbg control plane keeps what must outlive a port, a process and an appliance: which
// appliance and port each VSI is on (the VSI table), each VSI's counters, its moves, and the VSI types
// when they are shared. Two kinds: the embedded store (one appliance, a local file, no server) and
// etcd (every appliance of a site watching one store). The forwarding thread never waits on a store:
// every call here returns at once (work is queued) or hands back a task the plane polls.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Qbg.Store;

public interface IVsiStore : IAsyncDisposable
{
    /// <summary>This appliance's name in the store: owner of its VSIs and of its counter segments.</summary>
    string Appliance { get; }

    /// <summary>Shared by several appliances (etcd): `vsi show` then says which appliance holds each VSI.</summary>
    bool SharedBySite { get; }

    /// <summary>Embedded, or the etcd endpoints, for `vsi show` and the log.</summary>
    string Describe();

    /// <summary>Whether the store answers now; an unreachable store only delays what depends on it.</summary>
    StoreHealth Health { get; }

    /// <summary>
    /// Once, before forwarding starts: reads what this appliance owned when it stopped (to restore its
    /// associations and its counter segments) and, for a shared store, the VSI types. An unreachable
    /// etcd does not fail this: it answers from nothing and keeps trying in the background.
    /// </summary>
    Task<StoreStartup> OpenAsync(CancellationToken cancel);

    /// <summary>
    /// Takes ownership of a VSI for this appliance's <paramref name="claim"/>.Port: a transaction on the
    /// record's revision, so of two appliances claiming one VSI at once exactly one wins and the other
    /// gets <see cref="ClaimOutcome.Lost"/> with the reason. Claiming a VSI this appliance already owns
    /// (a move between its own ports) always wins. The embedded store completes synchronously; an
    /// unreachable etcd completes with <see cref="ClaimOutcome.Unavailable"/>.
    /// </summary>
    Task<ClaimOutcome> ClaimAsync(VsiClaim claim, CancellationToken cancel);

    /// <summary>Queued: an owned VSI changed (filter, type, hint) on the same port; the record is rewritten.</summary>
    void Update(string port, VsiRecord vsi);

    /// <summary>Queued: this appliance let the VSI go (de-associated, expired, refused by a reload, taken elsewhere).</summary>
    void Release(string vsiId, string reason);

    /// <summary>
    /// Queued: this appliance's counter segment of each VSI (its engine's counts, cumulative). While the
    /// store is away only the latest per VSI is kept, and published when it returns.
    /// </summary>
    void PublishCounters(IReadOnlyList<VsiSegment> segments);

    /// <summary>Every VSI the store knows, with the total of its counters over all appliances' segments.</summary>
    Task<IReadOnlyList<StoredVsi>> ListAsync(CancellationToken cancel);

    /// <summary>A VSI's moves, oldest first.</summary>
    Task<IReadOnlyList<VsiMove>> HistoryAsync(string vsiId, CancellationToken cancel);

    /// <summary>
    /// Raised on a store thread (never the forwarding thread): another appliance claimed a VSI this one
    /// owns (<see cref="VsiStoreEvent.TakenElsewhere"/>), or the shared types changed.
    /// </summary>
    event EventHandler<VsiStoreEvent>? Changed;
}

public enum StoreHealth
{
    Connected,
    /// <summary>Unreachable now: claims answer Unavailable, updates and counters queue.</summary>
    Unreachable,
}

/// <param name="Vsi">The VSI as the bridge port will hold it once the claim is won.</param>
/// <param name="Request">The request that asks for it, as history records it: "associate", "pre-associate-rr", "associate (M)".</param>
public sealed record VsiClaim(string Port, VsiRecord Vsi, string Request);

public abstract record ClaimOutcome
{
    private ClaimOutcome()
    {
    }

    /// <param name="From">Where the VSI was before ("appliance/port"); null when it was new.</param>
    public sealed record Won(string? From) : ClaimOutcome;

    /// <summary>Another appliance holds it, or won a claim at the same moment: refuse with <paramref name="Reason"/>.</summary>
    public sealed record Lost(string Owner, string Reason) : ClaimOutcome;

    /// <summary>The store is unreachable: a VSI new here cannot be claimed safely.</summary>
    public sealed record Unavailable(string Reason) : ClaimOutcome;
}

/// <summary>What an appliance restores at start.</summary>
/// <param name="Owned">The VSIs this appliance held, each with the port it held it on (its VsiRecord as last written).</param>
/// <param name="Segments">This appliance's own counter segment of every VSI it has counted.</param>
/// <param name="SharedTypes">The store's VSI types; null: the YAML's `vsi_types:` rule (embedded store).</param>
public sealed record StoreStartup(
    IReadOnlyList<OwnedVsi> Owned,
    IReadOnlyList<VsiSegment> Segments,
    IReadOnlyList<VsiTypeConfig>? SharedTypes);

public sealed record OwnedVsi(string Port, VsiRecord Vsi);

/// <summary>One appliance's part of a VSI's counters.</summary>
public sealed record VsiSegment(string VsiId, VsiCountersSnapshot Counters);

/// <summary>A VSI's entry in the table, for `vsi show`.</summary>
/// <param name="State">"associated", "pre-associated", "pre-associated-rr", "de-associated" or "lost" (its appliance's lease expired).</param>
/// <param name="Counters">The sum of every appliance's segment.</param>
public sealed record StoredVsi(
    string VsiId,
    string Appliance,
    string Port,
    string State,
    VsiTypeRef Type,
    IReadOnlyList<VsiFilterEntry> Filter,
    DateTimeOffset Since,
    VsiCountersSnapshot Counters)
{
    /// <summary>Each appliance's segment, by appliance name: <see cref="Counters"/> is their sum.</summary>
    public IReadOnlyDictionary<string, VsiCountersSnapshot> Segments { get; init; } = new Dictionary<string, VsiCountersSnapshot>();
}

/// <param name="From">"appliance/port" it left; null when it was new.</param>
/// <param name="To">"appliance/port" it went to; "-" when it was released.</param>
/// <param name="Request">What asked for the move (the VDP request and hint, "expired", "taken by ...").</param>
public sealed record VsiMove(DateTimeOffset At, string? From, string To, string Request);

public abstract record VsiStoreEvent
{
    private VsiStoreEvent()
    {
    }

    /// <summary>Another appliance now owns a VSI this appliance held: the plane drops it here at once.</summary>
    public sealed record TakenElsewhere(string VsiId, string NewOwner) : VsiStoreEvent;

    /// <summary>The shared VSI types changed (etcd only): the plane revalidates every VSI under them.</summary>
    public sealed record TypesChanged(IReadOnlyList<VsiTypeConfig> Types) : VsiStoreEvent;
}
