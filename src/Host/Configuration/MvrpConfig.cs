// MVRP (802.1Q clause 11) as the file sets it: the bridge-wide `mvrp:` (timers, whether statically
// configured VLANs are declared too) and each port's `mvrp:` (on, registrar mode, the limit on VIDs
// registered there). Null on HostConfig when no port runs MVRP.
using Hairpin.Bridge.Core.Mrp;

namespace Hairpin.Host.Configuration;

public sealed record MvrpConfig
{
    public MrpTimers Timers { get; init; } = MrpTimers.Default;
    /// <summary>
    /// Also declare, on every MVRP port, the VLANs statically configured on the bridge's other ports
    /// (the operator's ask: by default only the VLANs of associated VSIs and those registered elsewhere are declared).
    /// </summary>
    public bool DeclareStatic { get; init; }
    /// <summary>The ports that run MVRP, in port order.</summary>
    public IReadOnlyList<MvrpPortConfig> Ports { get; init; } = [];

    public bool Equals(MvrpConfig? other) =>
        other is not null && Timers == other.Timers && DeclareStatic == other.DeclareStatic && Ports.SequenceEqual(other.Ports);

    public override int GetHashCode() => HashCode.Combine(Timers, DeclareStatic, Ports.Count);
}

/// <param name="MaxVids">Most VIDs registered dynamically on the port; declarations past it are refused and counted.</param>
public sealed record MvrpPortConfig(string Port, RegistrarMode Registrar = RegistrarMode.Normal, int MaxVids = MvrpPortConfig.DefaultMaxVids)
{
    /// <summary>A quarter of the VID space: room for a large aggregation, a stop to a flood of declarations.</summary>
    public const int DefaultMaxVids = 1024;
}
