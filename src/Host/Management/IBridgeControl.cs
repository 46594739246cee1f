// What the management socket can ask of a running bridge (or of the dumb vswitch). ManagementServer
// turns each request line into one call here and the answer into one response line.
namespace Hairpin.Host.Management;

/// <summary>
/// The control surface behind `hairpin link|fdb|stats|acl|config|trace`.
/// <para>
/// Threading: ManagementServer calls these from thread-pool threads, several at once when several
/// clients connect, and never from the forwarding thread. The implementer owns the engine's threading
/// (hand the work to the forwarding loop, or read counters that tolerate a torn batch) and must not
/// block the forwarding loop while it waits.
/// </para>
/// <para>
/// Errors: throw <see cref="ManagementException"/> for anything the operator did wrong or the bridge
/// refused (unknown port, full table, config file errors); the client prints its message and exits 1.
/// Throw <see cref="NotSupportedException"/> for a request this server does not implement (the dumb
/// vswitch has no FDB or ACLs). Any other exception is reported as an internal error and logged; the
/// server keeps running either way.
/// </para>
/// </summary>
public interface IBridgeControl
{
    /// <summary>Every port, in configuration order (`link show`).</summary>
    Task<IReadOnlyList<PortInfo>> ListPortsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies <paramref name="changes"/> to port <paramref name="port"/> at once and without losing a
    /// frame; kept until restart, and written back to the config file too when <paramref name="save"/>.
    /// Returns the port as it is afterwards.
    /// </summary>
    Task<PortInfo> SetPortFlagsAsync(string port, PortFlagChanges changes, bool save, CancellationToken cancellationToken);

    /// <summary>FDB entries matching <paramref name="filter"/> (`fdb show`).</summary>
    Task<IReadOnlyList<FdbEntryInfo>> ShowFdbAsync(FdbFilter filter, CancellationToken cancellationToken);

    /// <summary>Adds or replaces an operator entry (`fdb add`); <see cref="FdbEntryChange.Vid"/> null means the port's PVID.</summary>
    Task AddFdbAsync(FdbEntryChange entry, CancellationToken cancellationToken);

    /// <summary>Removes an entry of any kind (`fdb del`); a missing entry is a <see cref="ManagementException"/>.</summary>
    Task DeleteFdbAsync(FdbEntryChange entry, CancellationToken cancellationToken);

    /// <summary>Counters of every port, policer and queue (`stats`).</summary>
    Task<BridgeStats> StatsAsync(CancellationToken cancellationToken);

    /// <summary>Every ACL in the running configuration with its hit counters and load-time warnings (`acl show`).</summary>
    Task<IReadOnlyList<AclInfo>> ShowAclsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Reloads the config file; on errors throws <see cref="ManagementException"/> with one
    /// "file:line: message" per <see cref="ManagementException.Details"/> entry, and the running
    /// configuration stays.
    /// </summary>
    Task<ReloadResult> ReloadAsync(CancellationToken cancellationToken);

    /// <summary>Runs a frame described by <paramref name="frameSpec"/> (the CLI's words, unparsed) through the bridge as if received on <paramref name="port"/>.</summary>
    Task<TraceResult> TraceAsync(string port, IReadOnlyList<string> frameSpec, CancellationToken cancellationToken);
}
