// One ACL decision in a trace: which ACL, where it was bound, and which rule decided.
using Hairpin.Bridge.Core.Acl;

namespace Hairpin.Bridge.Core.Tracing;

/// <param name="Acl">The ACL's name.</param>
/// <param name="BoundTo">Where it applied, e.g. "port vm1-uplink ingress" or "vm 52:54:00:00:00:0a egress on p2".</param>
/// <param name="RuleNumber">1-based, as in ACL warnings ("rule 2"); 0 when no rule matched and the default decided.</param>
/// <param name="RuleName">The rule's name, or "default" for the ACL's default verdict.</param>
/// <param name="Actions">What a permitting rule does besides permitting (None for deny and the default).</param>
/// <param name="EgressPort">The egress port for egress ACLs; null on ingress.</param>
public sealed record TracedAclMatch(string Acl, string BoundTo, int RuleNumber, string RuleName, AclVerdict Verdict, AclActions Actions, int? EgressPort)
{
    public bool IsDefault => RuleNumber == 0;
}
