// The command names a request may carry and the argument record each one takes. Shared by the
// server's dispatcher and the CLI so the two cannot drift apart.
namespace Hairpin.Host.Management;

public static class ManagementCommands
{
    public const string LinkShow = "link.show";
    public const string LinkSet = "link.set";
    public const string FdbShow = "fdb.show";
    public const string FdbAdd = "fdb.add";
    public const string FdbDel = "fdb.del";
    public const string Stats = "stats";
    public const string AclShow = "acl.show";
    public const string ConfigReload = "config.reload";
    public const string Trace = "trace";
    public const string LldpNeighbors = "lldp.neighbors";
    public const string MvrpShow = "mvrp.show";
    public const string VsiShow = "vsi.show";
    public const string VsiHistory = "vsi.history";
    public const string VsiTypeShow = "vsi.type.show";
    public const string VsiTypeSet = "vsi.type.set";
    public const string VsiTypeDel = "vsi.type.del";
    public const string CaptureStart = "capture.start";
    public const string CaptureRead = "capture.read";
    public const string CaptureStop = "capture.stop";
    public const string MonitorShow = "monitor.show";
    public const string MonitorAdd = "monitor.add";
    public const string MonitorDel = "monitor.del";
}

/// <summary>`link.show` and `stats`: one port, or all when <paramref name="Port"/> is null.</summary>
public sealed record PortSelector(string? Port = null);

/// <summary>`link.set`: <paramref name="Save"/> asks the server to write the change back to its config file.</summary>
public sealed record LinkSetArgs(string Port, PortFlagChanges Changes, bool Save = false);

/// <summary>`acl.show`: one ACL, or all when <paramref name="Name"/> is null.</summary>
public sealed record AclSelector(string? Name = null);

/// <summary>`trace`: the frame's description as the operator typed it, word by word.</summary>
public sealed record TraceArgs(string Port, IReadOnlyList<string> Spec);

/// <summary>`vsi.history`: one VSI, by its VSIID as `vsi show` prints it.</summary>
public sealed record VsiSelector(string VsiId);

/// <summary>The result of commands that only succeed or fail (`fdb.add`, `fdb.del`).</summary>
public sealed record Done(bool Ok = true);
