// The `flow_export:` block: IPFIX flow records (specs/flow-export.md) to one or more collectors over
// UDP, with the flow cache's timeouts, size and sampling. Absent: no flow is accounted at all.
using Hairpin.Bridge.Core.Flows;

namespace Hairpin.Host.Configuration;

/// <param name="Collectors">Where records go, each "ADDRESS:PORT" or "HOST:PORT" ("[v6]:PORT" for IPv6), every one gets every message.</param>
/// <param name="ObservationDomain">The IPFIX Observation Domain ID in every message header.</param>
/// <param name="TemplateInterval">How often the templates are sent again (UDP: a collector that started later learns them).</param>
public sealed record FlowExportConfig(
    IReadOnlyList<string> Collectors,
    TimeSpan ActiveTimeout,
    TimeSpan IdleTimeout,
    int CacheSize,
    int Sampling,
    uint ObservationDomain,
    TimeSpan TemplateInterval)
{
    public static readonly TimeSpan DefaultActiveTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultTemplateInterval = TimeSpan.FromSeconds(30);

    /// <summary>The engine's side of it: the flow monitor's settings.</summary>
    public FlowMonitorOptions MonitorOptions => new()
    {
        Capacity = CacheSize,
        ActiveTimeout = ActiveTimeout,
        IdleTimeout = IdleTimeout,
        SamplingInterval = Sampling,
    };

    public string Describe() => $"IPFIX to {string.Join(", ", Collectors)} (domain {ObservationDomain}, cache {CacheSize}, active {ActiveTimeout.TotalSeconds:0.###} s, idle {IdleTimeout.TotalSeconds:0.###} s, sampling 1 in {Sampling})";

    // By value, collectors included: a reload compares the running block with the file's.
    public bool Equals(FlowExportConfig? other) =>
        other is not null && Collectors.SequenceEqual(other.Collectors, StringComparer.Ordinal) && ActiveTimeout == other.ActiveTimeout
        && IdleTimeout == other.IdleTimeout && CacheSize == other.CacheSize && Sampling == other.Sampling
        && ObservationDomain == other.ObservationDomain && TemplateInterval == other.TemplateInterval;

    public override int GetHashCode() => HashCode.Combine(Collectors.Count, ActiveTimeout, IdleTimeout, CacheSize, Sampling, ObservationDomain, TemplateInterval);
}
