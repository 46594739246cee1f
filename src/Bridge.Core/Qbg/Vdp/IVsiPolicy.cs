// Whether a bridge port admits a VSI, and on which VLANs: the decision VDP leaves to the VSI manager's
// database (802.1Qbg-2012 41.1). The bridge asks only for requests that change something; keep-alives
// and de-associations never reach the policy. A policy that must first ask something distant (claim
// the VSI in a shared store) defers: the bridge leaves that VSI unanswered and the host replays the
// request once the answer is in, so the forwarding thread never waits.
namespace Hairpin.Bridge.Core.Qbg.Vdp;

/// <summary>The port-independent content of one VSI TLV the policy is asked about.</summary>
public sealed record VsiRequest(
    VdpRequest Type,
    VdpManagerId Manager,
    uint TypeId,
    byte TypeVersion,
    VsiId Id,
    VsiHint Hint,
    VdpFilterFormat FilterFormat,
    IReadOnlyList<VdpFilter> Filters);

/// <summary>
/// Accepted with one VID per filter entry (used where the station sent VID 0; a non-zero VID the
/// station sent stands, since lldpad ignores an answer that changes it), refused with an error, or
/// deferred: not answered yet (neither accepted nor refused, no error).
/// </summary>
public sealed record VsiVerdict
{
    private VsiVerdict(bool accepted, IReadOnlyList<int> vids, VdpError error, string reason, bool deferred = false)
    {
        Accepted = accepted;
        Vids = vids;
        Error = error;
        Reason = reason;
        Deferred = deferred;
    }

    public bool Accepted { get; }
    /// <summary>
    /// The policy cannot answer yet (<see cref="Reason"/> says what it waits for): the bridge sends no
    /// answer for this VSI, leaves its table as it was, and hands the host a
    /// <see cref="VsiDecisionKind.Deferred"/> decision whose <see cref="VsiDecision.Request"/> the host
    /// replays (<see cref="EvbBridgePort.Replay"/>) once the policy can answer. Never with Accepted.
    /// </summary>
    public bool Deferred { get; }
    /// <summary>Per filter entry, the VID to fill in where the station sent 0; empty: none assigned.</summary>
    public IReadOnlyList<int> Vids { get; }
    public VdpError Error { get; }
    public string Reason { get; }

    public static VsiVerdict Accept(IReadOnlyList<int> vids)
    {
        ArgumentNullException.ThrowIfNull(vids);
        return new(true, vids, VdpError.None, "");
    }

    /// <summary>Every entry gets <paramref name="vid"/> where the station left the VID to the bridge.</summary>
    public static VsiVerdict AcceptOnVlan(int vid, int entries) => Accept([.. Enumerable.Repeat(vid, entries)]);

    public static VsiVerdict AcceptAsRequested { get; } = new(true, [], VdpError.None, "");

    public static VsiVerdict Refuse(VdpError error, string reason)
    {
        if (error == VdpError.None)
        {
            throw new ArgumentException("a refusal needs an error status", nameof(error));
        }
        return new(false, [], error, reason ?? "");
    }

    /// <summary>Not answerable now (a claim in a distant store is under way): see <see cref="Deferred"/>.</summary>
    public static VsiVerdict Defer(string reason) => new(false, [], VdpError.None, reason ?? "", deferred: true);
}

public interface IVsiPolicy
{
    VsiVerdict Evaluate(VsiRequest request);
}
