// The claims this appliance has in flight and what the watch said about their VSIs meanwhile. A claim
// learns the revision it won at only when etcd answers; another appliance's write of the same record
// can reach this appliance's watch before that answer. Without this, that event would find the VSI
// not yet held here and be ignored, and the claim would then hold, for good, a VSI another appliance
// had taken after it (seen as two appliances each naming itself the owner after a race).
namespace Hairpin.Host.Qbg.Store;

internal sealed class EtcdClaimsInFlight
{
    private readonly Dictionary<string, (string Appliance, string Place, long Revision)?> _claiming = new(StringComparer.Ordinal);

    /// <summary>A claim of <paramref name="vsiId"/> starts (claims are made one at a time per appliance).</summary>
    public void Begin(string vsiId) => _claiming[vsiId] = null;

    /// <summary>
    /// The watch saw another appliance write the VSI's record at <paramref name="revision"/>: kept (the
    /// latest) when a claim of it is in flight; false when none is.
    /// </summary>
    public bool Observe(string vsiId, string appliance, string place, long revision)
    {
        if (!_claiming.TryGetValue(vsiId, out (string Appliance, string Place, long Revision)? seen))
        {
            return false;
        }
        if (seen is null || revision > seen.Value.Revision)
        {
            _claiming[vsiId] = (appliance, place, revision);
        }
        return true;
    }

    /// <summary>
    /// The claim is over; <paramref name="wonAt"/> is the revision it won at, or 0 if it did not win.
    /// Returns who wrote the record after the win (the VSI is theirs, the win is void), or null.
    /// </summary>
    public (string Appliance, string Place)? End(string vsiId, long wonAt)
    {
        _claiming.Remove(vsiId, out (string Appliance, string Place, long Revision)? seen);
        return wonAt > 0 && seen is { } later && later.Revision > wonAt ? (later.Appliance, later.Place) : null;
    }
}
