// What the management socket can ask of a running program: the surface every program has (ports,
// counters) and, each in its own interface, the capabilities only some have (port flags, FDB, ACLs,
// reload, trace; 802.1Qbg in QbgInfo.cs). A program implements the capabilities it has and nothing
// else; the server answers "not supported by this server" for the others. ManagementServer turns
// each request line into one call here and the answer into one response line.
namespace Hairpin.Host.Management;

/// <summary>
/// The control surface every program offers: `link show` and `stats`.
/// <para>
/// Threading: ManagementServer calls these from thread-pool threads, several at once when several
/// clients connect, and never from the forwarding thread. The implementer owns the engine's threading
/// (hand the work to the forwarding loop, or read counters that tolerate a torn batch) and must not
/// block the forwarding loop while it waits.
/// </para>
/// <para>
/// Errors: throw <see cref="ManagementException"/> for anything the operator did wrong or the bridge
/// refused (unknown port, full table, config file errors); the client prints its message and exits 1.
/// A request this program cannot serve at all is one whose capability interface it does not
/// implement. Any other exception is reported as an internal error and logged; the server keeps
/// running either way.
/// </para>
/// </summary>
public interface IBridgeControl
{
    /// <summary>Every port, in configuration order (`link show`).</summary>
    Task<IReadOnlyList<PortInfo>> ListPortsAsync(CancellationToken cancellationToken);

    /// <summary>Counters of every port, policer and queue (`stats`).</summary>
    Task<BridgeStats> StatsAsync(CancellationToken cancellationToken);
}

/// <summary>`link set`: a program whose ports have engine flags (the bridge; VEPA's are fixed).</summary>
public interface IPortFlagControl
{
    /// <summary>
    /// Applies <paramref name="changes"/> to port <paramref name="port"/> at once and without losing a
    /// frame; kept until restart, and written back to the config file too when <paramref name="save"/>.
    /// Returns the port as it is afterwards.
    /// </summary>
    Task<PortInfo> SetPortFlagsAsync(string port, PortFlagChanges changes, bool save, CancellationToken cancellationToken);
}

/// <summary>`fdb show|add|del`: a program that learns and forwards by an FDB.</summary>
public interface IFdbControl
{
    /// <summary>FDB entries matching <paramref name="filter"/> (`fdb show`).</summary>
    Task<IReadOnlyList<FdbEntryInfo>> ShowFdbAsync(FdbFilter filter, CancellationToken cancellationToken);

    /// <summary>Adds or replaces an operator entry (`fdb add`); <see cref="FdbEntryChange.Vid"/> null means the port's PVID.</summary>
    Task AddFdbAsync(FdbEntryChange entry, CancellationToken cancellationToken);

    /// <summary>Removes an entry of any kind (`fdb del`); a missing entry is a <see cref="ManagementException"/>.</summary>
    Task DeleteFdbAsync(FdbEntryChange entry, CancellationToken cancellationToken);
}

/// <summary>`acl show`: a program that runs ACLs.</summary>
public interface IAclControl
{
    /// <summary>Every ACL in the running configuration with its hit counters and load-time warnings (`acl show`).</summary>
    Task<IReadOnlyList<AclInfo>> ShowAclsAsync(CancellationToken cancellationToken);
}

/// <summary>`config reload` (and SIGHUP): a program that applies a changed file live.</summary>
public interface IReloadControl
{
    /// <summary>
    /// Reloads the config file; on errors throws <see cref="ManagementException"/> with one
    /// "file:line: message" per <see cref="ManagementException.Details"/> entry, and the running
    /// configuration stays.
    /// </summary>
    Task<ReloadResult> ReloadAsync(CancellationToken cancellationToken);
}

/// <summary>`capture`: a program that can copy a port's frames, as its engine sees them, to a reader.</summary>
public interface ICaptureControl
{
    Task<CaptureStarted> StartCaptureAsync(CaptureStartArgs args, CancellationToken cancellationToken);

    /// <summary>Frames captured since the last read (at most <see cref="CaptureReadArgs.Max"/>); a capture nobody reads for a while is stopped.</summary>
    Task<CaptureChunk> ReadCaptureAsync(CaptureReadArgs args, CancellationToken cancellationToken);

    Task<CaptureStopped> StopCaptureAsync(CaptureStopArgs args, CancellationToken cancellationToken);
}

/// <summary>`trace`: a program that can run a described frame through its engine.</summary>
public interface ITraceControl
{
    /// <summary>Runs a frame described by <paramref name="frameSpec"/> (the CLI's words, unparsed) through the bridge as if received on <paramref name="port"/>.</summary>
    Task<TraceResult> TraceAsync(string port, IReadOnlyList<string> frameSpec, CancellationToken cancellationToken);
}
