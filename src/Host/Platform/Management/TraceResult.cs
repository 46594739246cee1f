// What `trace` answers: the path one described frame took through the bridge, stage by stage.
namespace Hairpin.Host.Management;

/// <param name="Stages">One human line per stage passed, in order (e.g. "ingress vm1: vlan 10 (pvid)").</param>
/// <param name="MatchedRule">The ACL rule that decided, as "ACL/RULE", or null when no ACL applied.</param>
/// <param name="EgressPorts">Ports a copy would leave by; empty when dropped or trapped.</param>
/// <param name="DropReason">Kebab-case drop reason when the frame (every copy) was dropped, else null.</param>
public sealed record TraceResult(
    IReadOnlyList<string> Stages,
    string? MatchedRule,
    IReadOnlyList<string> EgressPorts,
    string? DropReason);
