// The engine's ACL surface for the control plane (warnings, hit counters). The per-frame checks are
// Stages/AclStage.cs.
using Hairpin.Bridge.Core.Acl;

namespace Hairpin.Bridge.Core.Forwarding;

public sealed partial class BridgeEngine
{
    /// <summary>Contradictory and shadowed ACL rules in the running configuration.</summary>
    public IReadOnlyList<string> AclWarnings => _plan.AclWarnings;

    /// <summary>The compiled ACL named <paramref name="name"/> in the running configuration (for hit counters), or null.</summary>
    public CompiledAcl? Acl(string name) =>
        _plan.IngressAcls.Concat(_plan.EgressAcls).Concat(_plan.VmAcls.SelectMany(map => map?.Values ?? Enumerable.Empty<CompiledAcl>()))
            .FirstOrDefault(acl => acl?.Acl.Name == name);
}
