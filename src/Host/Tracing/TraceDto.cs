// The JSON shape of a trace (`hairpin trace ... --json`): strings and numbers only, so scripts need
// no knowledge of the engine's enums.
namespace Hairpin.Host.Tracing;

internal sealed record TraceDto(
    string IngressPort,
    int IngressPortIndex,
    IReadOnlyList<TraceStageDto> Stages,
    TraceVerdictDto Verdict,
    IReadOnlyList<AclMatchDto> AclMatches,
    IReadOnlyList<EgressDto> Egress,
    IReadOnlyList<string> Mirrors,
    IReadOnlyList<string> Policers,
    string DatapathActions);

/// <param name="Port">The egress port the stage is about; null for ingress stages.</param>
internal sealed record TraceStageDto(string Name, string Text, string? Port);

/// <param name="Outcome">"forwarded", "dropped" or "trapped".</param>
/// <param name="Reason">The kebab-case drop reason, e.g. "reflective-relay-off"; null unless dropped.</param>
internal sealed record TraceVerdictDto(string Outcome, string? Reason, IReadOnlyList<string> Ports);

internal sealed record AclMatchDto(string Acl, string BoundTo, int Rule, string RuleName, string Verdict, string? Actions);

/// <param name="Drop">Why this copy is dropped at egress; null when it leaves.</param>
internal sealed record EgressDto(string Port, string Tag, string? Drop);
