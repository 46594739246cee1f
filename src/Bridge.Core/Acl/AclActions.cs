// What a permitting rule does besides letting the frame through: set its traffic class, remark its
// PCP/DSCP, police it with a named meter, mirror a copy to a port or a mirroring session, add it to a named counter
// (Juniper's `then count NAME`; every rule also has its own hit counters).
namespace Hairpin.Bridge.Core.Acl;

public sealed record AclActions
{
    public static readonly AclActions None = new();

    /// <summary>Traffic class 0..7, overriding the port's classification.</summary>
    public int? TrafficClass { get; init; }
    public int? RemarkPcp { get; init; }
    public int? RemarkDscp { get; init; }
    /// <summary>Name of the meter to police with.</summary>
    public string? Police { get; init; }
    /// <summary>Name of the port that gets a copy of the frame as it was matched (SPAN style).</summary>
    public string? Mirror { get; init; }
    /// <summary>Name of the mirroring session (`monitor_sessions:`) that gets a copy of the frame as it was matched.</summary>
    public string? MirrorSession { get; init; }
    /// <summary>Name of a counter shared by every rule that names it.</summary>
    public string? Count { get; init; }

    public bool IsNone => this == None;

    public IEnumerable<string> Validate(string where)
    {
        if (TrafficClass is < 0 or > 7)
        {
            yield return $"{where}: set-class {TrafficClass} is not 0..7";
        }
        if (RemarkPcp is < 0 or > 7)
        {
            yield return $"{where}: remark pcp {RemarkPcp} is not 0..7";
        }
        if (RemarkDscp is < 0 or > 63)
        {
            yield return $"{where}: remark dscp {RemarkDscp} is not 0..63";
        }
    }
}
