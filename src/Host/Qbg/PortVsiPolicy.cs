// The VDP bridge machine's question ("may this VSI associate here, on which VIDs?") answered for one
// port by the VSI types of the running configuration (VsiTypePolicy), against every VSI the bridge
// holds on any port, so a MAC is never bound to two VSIs.
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Qbg;

internal sealed class PortVsiPolicy(string port, Func<HostConfig> config, Func<IReadOnlyList<VsiAssociation>> associations) : IVsiPolicy
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
                return VsiVerdict.Accept([.. accepted.Filter.Select(entry => entry.Vid)]);
            case TypeVerdict.Refused refused:
                LastRefusal = refused.Reason;
                return VsiVerdict.Refuse(refused.Code, refused.Reason);
            default:
                throw new InvalidOperationException("a verdict is accepted or refused");
        }
    }
}
