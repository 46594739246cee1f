// The VDP bridge machine's question ("may this VSI associate here, on which VIDs?") answered for one
// port by the VSI types of the running configuration (VsiTypePolicy), against every VSI the bridge
// holds on any port, so a MAC is never bound to two VSIs; an Associate then needs the VSI to be this
// appliance's in the VSI store (VsiOwnership), which may defer the answer until a claim settles.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Qbg;

internal sealed class PortVsiPolicy(string port, Func<HostConfig> config, Func<IReadOnlyList<VsiAssociation>> associations,
    VsiOwnership? ownership = null, Func<TimeSpan>? now = null) : IVsiPolicy
{
    /// <summary>The last refusal's reason, for the log line the plane writes with the decision.</summary>
    public string? LastRefusal { get; private set; }

    public VsiVerdict Evaluate(VsiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var facts = new VsiRequestFacts(port, request.Id.ToString(), new VsiTypeRef((int)request.TypeId, request.TypeVersion),
            request.Manager.ToString(), VsiFilterEntry.Of(request.Filters));
        switch (VsiTypePolicy.Evaluate(facts, config(), associations()))
        {
            case TypeVerdict.Accepted accepted:
                LastRefusal = null;
                int[] vids = [.. accepted.Filter.Select(entry => entry.Vid)];
                if (ownership is null || request.Type != VdpRequest.Associate)
                {
                    return VsiVerdict.Accept(vids);   // a Pre-Associate holds the policy ready here; the VM still runs at its source
                }
                TimeSpan at = now?.Invoke() ?? TimeSpan.Zero;
                var wanted = new VsiRecord(request.Id, request.Manager, request.TypeId, request.TypeVersion, request.Type, request.Hint,
                    request.FilterFormat, [.. request.Filters.Select((filter, i) => filter.Vid == 0 ? filter.WithVid(vids[i]) : filter)], at, at);
                VsiVerdict owned = ownership.Ask(port, wanted, at, vids);
                LastRefusal = owned.Accepted ? null : owned.Reason;
                return owned;
            case TypeVerdict.Refused refused:
                LastRefusal = refused.Reason;
                return VsiVerdict.Refuse(refused.Code, refused.Reason);
            default:
                throw new InvalidOperationException("a verdict is accepted or refused");
        }
    }
}
