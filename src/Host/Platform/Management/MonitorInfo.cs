// Mirroring sessions as the configuration file (`monitor_sessions:`), the management socket
// (`monitor.add`) and `monitor show` / `stats --json` describe them. One shape for all three, so a
// session added live reads the same as one from the file.
namespace Hairpin.Host.Management;

/// <summary>Which way a source's frames are mirrored: received (`rx`), sent (`tx`), or both.</summary>
public enum MonitorDirection
{
    Both,
    Rx,
    Tx,
}

/// <summary>One source: a port, or a VSI (by its VSIID, mirrored by its MAC and VLAN on the port it is associated on).</summary>
public sealed record MonitorSourceConfig(string? Port = null, string? Vsi = null, MonitorDirection Direction = MonitorDirection.Both);

/// <summary>ERSPAN to a collector. <paramref name="Type"/> is 2 or 3 (type II or III).</summary>
/// <param name="NextHopMac">The collector's MAC, or the router's on the way to it (the bridge has no IP stack to resolve it).</param>
public sealed record ErspanConfig(int Type, int ErspanId, string DestinationIp, string OriginIp, string NextHopMac)
{
    public int Ttl { get; init; } = 64;
    public int Dscp { get; init; }
    /// <summary>Largest outer IPv4 packet; longer copies are cut (ERSPAN's T bit set).</summary>
    public int Mtu { get; init; } = 1500;
}

/// <summary>
/// Where copies go: a port (SPAN), a port with <see cref="RspanVlan"/> (RSPAN), a port with
/// <see cref="Erspan"/> (ERSPAN sent out of that port), or <see cref="File"/>, a ring of pcapng files.
/// </summary>
public sealed record MonitorDestinationConfig
{
    public const long DefaultFileSize = 10 * 1024 * 1024;
    public const int DefaultFileCount = 5;
    public const int DefaultSnapLength = 2048;

    public string? Port { get; init; }
    public int? RspanVlan { get; init; }
    public ErspanConfig? Erspan { get; init; }
    /// <summary>The pcapng files' path: NAME.pcapng becomes NAME-00001.pcapng, NAME-00002.pcapng, ...</summary>
    public string? File { get; init; }
    /// <summary>A file is closed and the next one started once it holds this many bytes.</summary>
    public long FileSize { get; init; } = DefaultFileSize;
    /// <summary>Files kept; the oldest is deleted when one more would exceed it.</summary>
    public int FileCount { get; init; } = DefaultFileCount;
    /// <summary>Bytes kept of each frame in the files.</summary>
    public int SnapLength { get; init; } = DefaultSnapLength;

    /// <summary>"span", "rspan", "erspan" or "file".</summary>
    public string Kind => File is not null ? "file" : Erspan is not null ? "erspan" : RspanVlan is not null ? "rspan" : "span";

    /// <summary>One line for `monitor show`.</summary>
    public string Describe() => Kind switch
    {
        "file" => $"file {File} (ring of {FileCount} x {FileSize} bytes)",
        "erspan" => $"erspan type {(Erspan!.Type == 2 ? "ii" : "iii")} id {Erspan.ErspanId} {Erspan.OriginIp} -> {Erspan.DestinationIp} via {Port}",
        "rspan" => $"rspan vlan {RspanVlan} on {Port}",
        _ => $"span to {Port}",
    };
}

public sealed record MonitorSessionConfig(string Name, IReadOnlyList<MonitorSourceConfig> Sources, MonitorDestinationConfig Destination);

/// <summary>`monitor show` (one session, or all when <paramref name="Name"/> is null) and `monitor del` (one).</summary>
public sealed record MonitorSelector(string? Name = null);

/// <summary>`monitor show|add|del`: a program that mirrors (the bridge).</summary>
public interface IMonitorControl
{
    /// <summary>Every mirroring session with its counters.</summary>
    Task<IReadOnlyList<MonitorSessionInfo>> ShowMonitorsAsync(CancellationToken cancellationToken);

    /// <summary>Starts a session live (kept until restart); a refusal is a ManagementException with the reasons as details.</summary>
    Task<MonitorSessionInfo> AddMonitorAsync(MonitorSessionConfig session, CancellationToken cancellationToken);

    /// <summary>Stops a session; an unknown name, or one an ACL rule mirrors to, is a ManagementException.</summary>
    Task DeleteMonitorAsync(string name, CancellationToken cancellationToken);
}

/// <summary>A running session and its counters (`monitor show`, `stats --json`).</summary>
/// <param name="Origin">"config" (from the file) or "live" (`monitor add`, kept until restart).</param>
/// <param name="Notes">What keeps sources from mirroring now, e.g. a VSI not associated on this bridge.</param>
public sealed record MonitorSessionInfo(
    string Name,
    string Origin,
    IReadOnlyList<MonitorSourceConfig> Sources,
    MonitorDestinationConfig Destination,
    long Mirrored,
    long MirroredBytes,
    long Truncated,
    IReadOnlyList<DropCount> Dropped,
    IReadOnlyList<string> Notes);
