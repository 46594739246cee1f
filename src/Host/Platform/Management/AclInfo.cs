// One ACL for `acl show`: its rules in order with hit counters, and the warnings found when it was
// loaded (rules that never match or are shadowed by an earlier one).
namespace Hairpin.Host.Management;

/// <param name="DefaultVerdict">"permit" or "deny", taken when no rule matches.</param>
/// <param name="DefaultHits">Frames and bytes that took the default verdict.</param>
public sealed record AclInfo(
    string Name,
    IReadOnlyList<AclRuleInfo> Rules,
    string DefaultVerdict,
    TrafficCounters DefaultHits,
    IReadOnlyList<string> Warnings);

/// <param name="Verdict">"permit" or "deny".</param>
/// <param name="Hits">Frames and bytes this rule matched first.</param>
public sealed record AclRuleInfo(string Name, string Verdict, TrafficCounters Hits);
