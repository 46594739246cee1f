// The bridge's answer to a station asking for a VM: the VSI type (port profile) decides the VLAN and
// the policy; the bridge refuses what it cannot apply whole. Checked before anything is published, so
// an association is either applied entirely or refused with a status the station understands.
using Hairpin.Bridge.Core.Qbg.Vdp;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Qbg;

/// <summary>An association request, in the host's terms: VIDs may be 0 ("bridge, assign one").</summary>
public sealed record VsiRequestFacts(string Port, string VsiId, VsiTypeRef Type, string? Manager, IReadOnlyList<VsiFilterEntry> Filter)
{
    /// <summary>A VSI the port holds, asked again (after a reload changed the types).</summary>
    public static VsiRequestFacts Of(string port, VsiRecord vsi) =>
        new(port, vsi.IdText, VsiTypeRef.Of(vsi), vsi.Manager.ToString(), VsiFilterEntry.Of(vsi.Filters));
}

public abstract record TypeVerdict
{
    private TypeVerdict()
    {
    }

    /// <summary>Accepted, with the filter as it will be applied: the request's entries in order, every VID settled.</summary>
    public sealed record Accepted(IReadOnlyList<VsiFilterEntry> Filter) : TypeVerdict;

    public sealed record Refused(VdpError Code, string Reason) : TypeVerdict;
}

public static class VsiTypePolicy
{
    /// <param name="current">Every VSI associated on this bridge now (the request's own VSI included if it is a refresh or change).</param>
    public static TypeVerdict Evaluate(VsiRequestFacts request, HostConfig config, IReadOnlyList<VsiAssociation> current)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(current);
        VsiTypeConfig? type = config.VsiTypes.FirstOrDefault(t => t.Id == request.Type.Id && t.Version == request.Type.Version);
        if (type is null)
        {
            bool otherVersion = config.VsiTypes.Any(t => t.Id == request.Type.Id);
            return new TypeVerdict.Refused(VdpError.OtherFailure,
                otherVersion ? $"VSI type {request.Type.Id} has no version {request.Type.Version} here" : $"no VSI type {request.Type.Id} is configured");
        }
        if (type.Managers.Count > 0 && (request.Manager is null || !type.Managers.Contains(request.Manager, StringComparer.Ordinal)))
        {
            return new TypeVerdict.Refused(VdpError.VsiManagerUnreachable,
                $"manager '{request.Manager}' may not associate VMs of {type.Describe()} (allowed: {string.Join(", ", type.Managers)})");
        }
        if (request.Filter.Count == 0)
        {
            return new TypeVerdict.Refused(VdpError.InvalidFormat, "the filter lists no (MAC, VID)");
        }
        if (type.MaxMacs > 0 && request.Filter.Count(entry => !entry.Mac.IsZero) > type.MaxMacs)
        {
            return new TypeVerdict.Refused(VdpError.InsufficientResources,
                $"{request.Filter.Count} MACs listed, {type.Describe()} allows {type.MaxMacs}");
        }
        var settled = new List<VsiFilterEntry>(request.Filter.Count);
        foreach (VsiFilterEntry entry in request.Filter)
        {
            if (entry.Vid != 0 && entry.Vid != type.Vlan)
            {
                return new TypeVerdict.Refused(VdpError.InvalidFilter, $"VID {entry.Vid} is not {type.Describe()}'s VLAN {type.Vlan}");
            }
            var applied = entry with { Vid = type.Vlan };
            VsiAssociation? holder = current.FirstOrDefault(other => other.VsiId != request.VsiId && other.Filter.Contains(applied));
            if (holder is not null)
            {
                string what = applied.Mac.IsZero ? $"VLAN {applied.Vid}" : $"MAC {applied.Mac} in VLAN {applied.Vid}";
                return new TypeVerdict.Refused(VdpError.InvalidFilter, $"{what} is already bound to VSI {holder.VsiId} on port {holder.Port}");
            }
            settled.Add(applied);
        }
        EvbPortConfig? evb = config.Evb.FirstOrDefault(port => port.Port == request.Port);
        bool isNew = !current.Any(other => other.VsiId == request.VsiId && other.Port == request.Port);
        if (evb is not null && isNew && current.Count(other => other.Port == request.Port) >= evb.MaxVsis)
        {
            return new TypeVerdict.Refused(VdpError.InsufficientResources, $"port {request.Port} holds its limit of {evb.MaxVsis} VSIs");
        }
        return new TypeVerdict.Accepted(settled);
    }
}
