// One port's QoS: where a frame's priority comes from (802.1Q priority or DSCP, else the port's
// default), an optional ingress policer, and the egress scheduler. Defaults follow 802.1Q: the tag's
// PCP is trusted, untagged frames get priority 0, one unshaped scheduler with classes 6 and 7 strict.
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Configuration;

public enum QosTrust : byte
{
    /// <summary>The C-tag's PCP; untagged frames get the port's default priority (802.1Q).</summary>
    Pcp,
    /// <summary>IP frames by DSCP (class selector: DSCP / 8); others as with <see cref="Pcp"/>.</summary>
    Dscp,
    /// <summary>Every frame gets the port's default priority, whatever it carries.</summary>
    None,
}

public sealed record PortQos
{
    public static readonly PortQos Default = new();

    public QosTrust Trust { get; init; } = QosTrust.Pcp;
    /// <summary>802.1Q port default priority (0..7) for frames with no trusted marking.</summary>
    public int DefaultPriority { get; init; }
    /// <summary>Name of a meter policing every frame arriving on this port (null: none).</summary>
    public string? Policer { get; init; }
    public EgressSchedulerConfig Scheduler { get; init; } = new();

    public IEnumerable<string> Validate()
    {
        if (!Enum.IsDefined(Trust))
        {
            yield return $"qos trust {(int)Trust} is not one of pcp, dscp, none";
        }
        if (DefaultPriority is < 0 or > 7)
        {
            yield return $"qos default-priority {DefaultPriority} is not 0..7";
        }
        foreach (string error in Scheduler.Validate())
        {
            yield return $"qos scheduler: {error}";
        }
    }
}
