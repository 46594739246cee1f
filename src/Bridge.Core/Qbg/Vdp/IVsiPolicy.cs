// Whether a bridge port admits a VSI, and on which VLANs: the decision VDP leaves to the VSI manager's
// database (802.1Qbg-2012 41.1). The bridge asks only for requests that change something; keep-alives
// and de-associations never reach the policy.
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
/// station sent stands, since lldpad ignores an answer that changes it), or refused with an error.
/// </summary>
public sealed record VsiVerdict
{
    private VsiVerdict(bool accepted, IReadOnlyList<int> vids, VdpError error, string reason)
    {
        Accepted = accepted;
        Vids = vids;
        Error = error;
        Reason = reason;
    }

    public bool Accepted { get; }
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
}

public interface IVsiPolicy
{
    VsiVerdict Evaluate(VsiRequest request);
}
