// Whether a list of VSI types fits this appliance's configuration, by the rules the YAML's
// `vsi_types:` are loaded under (each type and version once, every ACL and meter a type names defined
// here): for the types a shared store brings, for a reload while the store's types rule, and for
// `vsi type set` before it writes. Without it a store's type naming an ACL this appliance lacks would
// be taken, and refused only when a VM of that type associated (its binding cannot be published).
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Qbg;

internal static class VsiTypeCheck
{
    /// <summary>What is wrong, one line each; empty when the types fit <paramref name="config"/>.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<VsiTypeConfig> types, HostConfig config)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(config);
        var acls = config.Bridge.Acls.Select(acl => acl.Name).ToHashSet(StringComparer.Ordinal);
        var meters = config.Bridge.Meters.Select(meter => meter.Name).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<(int, int)>();
        var problems = new List<string>();
        foreach (VsiTypeConfig type in types)
        {
            if (!seen.Add((type.Id, type.Version)))
            {
                problems.Add($"{type.Describe()} is defined twice");
            }
            if (type.Acl is string acl && !acls.Contains(acl))
            {
                problems.Add($"{type.Describe()}: this appliance has no acl named '{acl}'");
            }
            if (type.Meter is string meter && !meters.Contains(meter))
            {
                problems.Add($"{type.Describe()}: this appliance has no meter named '{meter}'");
            }
        }
        return problems;
    }
}
