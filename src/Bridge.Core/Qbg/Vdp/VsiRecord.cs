// What a bridge port knows of one VSI, and the decisions it hands the host to apply (install or remove
// the VSI's (MAC, VID) bindings). Records are immutable snapshots: a keep-alive replaces the record.
using Hairpin.Bridge.Core.Configuration;

namespace Hairpin.Bridge.Core.Qbg.Vdp;

public enum VsiState : byte
{
    /// <summary>Known and (with reservation) holding resources, but passing no traffic yet.</summary>
    PreAssociated,
    Associated,
    /// <summary>Only in a decision about a De-Associate: the VSI is gone.</summary>
    Deassociated,
}

/// <param name="Request">The request that set the current state (Pre-Associate with RR: resources held).</param>
/// <param name="Filters">The filter entries as answered: VIDs the bridge assigned are filled in.</param>
/// <param name="AssociatedAt">When the VSI entered its current state.</param>
/// <param name="LastKeepAlive">When the station last repeated (or changed) its request.</param>
public sealed record VsiRecord(
    VsiId Id,
    VdpManagerId Manager,
    uint TypeId,
    byte TypeVersion,
    VdpRequest Request,
    VsiHint Hint,
    VdpFilterFormat FilterFormat,
    IReadOnlyList<VdpFilter> Filters,
    TimeSpan AssociatedAt,
    TimeSpan LastKeepAlive)
{
    public VsiState State => Request switch
    {
        VdpRequest.Associate => VsiState.Associated,
        VdpRequest.DeAssociate => VsiState.Deassociated,
        _ => VsiState.PreAssociated,
    };

    public bool ResourcesReserved => Request == VdpRequest.PreAssociateWithReservation;
    public VsiIdFormat Format => Id.Format;
    public string IdText => Id.ToString();

    /// <summary>The (MAC, VID) pairs of the MAC filter formats, as a port's VSI admission binds them.</summary>
    public IEnumerable<VsiBinding> Bindings
    {
        get
        {
            string id = IdText;
            foreach (VdpFilter filter in Filters)
            {
                if (filter.Mac is { } mac)
                {
                    yield return new VsiBinding(id, mac, filter.Vid);
                }
            }
        }
    }

    public override string ToString() =>
        $"VSI {IdText} ({Format}) manager {Manager} type {TypeId} v{TypeVersion} {State}{(ResourcesReserved ? " (resources reserved)" : "")} [{string.Join(", ", Filters)}]";
}

public enum VsiDecisionKind : byte
{
    Associated,
    PreAssociated,
    /// <summary>An associated or pre-associated VSI changed its filter, type or manager: rebind.</summary>
    Changed,
    Deassociated,
    /// <summary>No keep-alive within the keep-alive window.</summary>
    Expired,
    /// <summary>The request was answered with an error; the table is unchanged.</summary>
    Refused,
    /// <summary>
    /// The policy could not answer yet: the request is unanswered and the table unchanged. Replay
    /// <see cref="VsiDecision.Request"/> once the policy can answer.
    /// </summary>
    Deferred,
}

/// <param name="Vsi">The VSI after the decision; for Refused and Deferred, the VSI as requested (it is not in the table).</param>
/// <param name="Reason">Why it was refused, or what a deferred request waits for.</param>
public sealed record VsiDecision(VsiDecisionKind Kind, VsiRecord Vsi, VdpError Error = VdpError.None, string Reason = "")
{
    /// <summary>
    /// For <see cref="VsiDecisionKind.Deferred"/>: the request to replay, exactly as the station sent it
    /// but alone: its Manager ID and this VSI's TLV only (the other TLVs of its VDPDU were answered).
    /// Null for every other kind.
    /// </summary>
    public VdpMessage? Request { get; init; }

    public override string ToString() => Error == VdpError.None
        ? Kind == VsiDecisionKind.Deferred ? $"{Kind} ({Reason}): {Vsi}" : $"{Kind}: {Vsi}"
        : $"{Kind} ({VdpStatus.Describe(Error)}: {Reason}): {Vsi}";
}

/// <summary>A bridge's reply to one VDPDU: the answer to send back over ECP (null: none), and the decisions.</summary>
public sealed record VdpAnswer(VdpMessage? Response, IReadOnlyList<VsiDecision> Decisions, string? DropReason = null)
{
    public static VdpAnswer Dropped(string reason) => new(null, [], reason);
}
