// Whether a list of VSI types fits this appliance's configuration, by the rules the YAML's
// `vsi_types:` are loaded under (EvbReader.TypeProblems: each type and version once, every ACL and
// meter a type names defined here), in an operator's words: for the types a shared store brings, for a reload while the store's types rule, and for
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
        return [.. EvbReader.TypeProblems(types,
                config.Bridge.Acls.Select(acl => acl.Name).ToHashSet(StringComparer.Ordinal),
                config.Bridge.Meters.Select(meter => meter.Name).ToHashSet(StringComparer.Ordinal))
            .Select(problem => problem.Key is string key
                ? $"{problem.Type.Describe()}: this appliance has no {key} named '{problem.Name}'"
                : $"{problem.Type.Describe()} is defined twice")];
    }
}
