// A named policer, as in Open vSwitch's meter table: everything that names it (a port, a VM, an ACL
// rule) shares its buckets. To police two ports separately, define two meters.
namespace Hairpin.Bridge.Core.Configuration;

public enum MeterKind : byte
{
    /// <summary>RFC 2697 single rate three color marker: CIR, CBS, EBS.</summary>
    SingleRate,
    /// <summary>RFC 2698 two rate three color marker: CIR, CBS, PIR, PBS.</summary>
    TwoRate,
}

public enum ColorActionKind : byte
{
    Pass,
    /// <summary>Pass with new markings (PCP and/or DSCP).</summary>
    Remark,
    Drop,
}

/// <summary>What happens to a frame of one color: pass, pass remarked, or drop.</summary>
public sealed record ColorAction(ColorActionKind Kind, int? Pcp = null, int? Dscp = null)
{
    public static readonly ColorAction Pass = new(ColorActionKind.Pass);
    public static readonly ColorAction Drop = new(ColorActionKind.Drop);
    public static ColorAction Remark(int? pcp = null, int? dscp = null) => new(ColorActionKind.Remark, pcp, dscp);
}

public sealed record MeterConfig
{
    public required string Name { get; init; }
    public MeterKind Kind { get; init; } = MeterKind.SingleRate;
    /// <summary>Committed information rate, bits per second (as `police cir` on NX-OS).</summary>
    public long CommittedRateBitsPerSecond { get; init; }
    public long CommittedBurstBytes { get; init; } = 15_000;
    /// <summary>Single rate only: excess burst size; 0 means no yellow.</summary>
    public long ExcessBurstBytes { get; init; }
    /// <summary>Two rate only: peak information rate, bits per second.</summary>
    public long PeakRateBitsPerSecond { get; init; }
    public long PeakBurstBytes { get; init; } = 15_000;
    /// <summary>Color-aware: a frame marked drop eligible (DEI set) or yellow by an earlier meter starts yellow.</summary>
    public bool ColorAware { get; init; }
    public ColorAction Green { get; init; } = ColorAction.Pass;
    public ColorAction Yellow { get; init; } = ColorAction.Pass;
    public ColorAction Red { get; init; } = ColorAction.Drop;

    public IEnumerable<string> Validate()
    {
        string where = $"meter {Name}";
        if (string.IsNullOrWhiteSpace(Name))
        {
            yield return "a meter needs a name";
        }
        if (CommittedRateBitsPerSecond < 8)
        {
            yield return $"{where}: cir {CommittedRateBitsPerSecond} bit/s must be at least 8";
        }
        if (CommittedBurstBytes < 0 || ExcessBurstBytes < 0 || PeakBurstBytes < 0)
        {
            yield return $"{where}: burst sizes cannot be negative";
        }
        if (Kind == MeterKind.TwoRate && PeakRateBitsPerSecond < CommittedRateBitsPerSecond)
        {
            yield return $"{where}: pir {PeakRateBitsPerSecond} bit/s must be at least cir {CommittedRateBitsPerSecond} bit/s";
        }
        foreach ((string color, ColorAction action) in new[] { ("green", Green), ("yellow", Yellow), ("red", Red) })
        {
            if (action.Kind == ColorActionKind.Remark && action.Pcp is null && action.Dscp is null)
            {
                yield return $"{where}: {color} remark sets neither pcp nor dscp";
            }
            if (action.Pcp is < 0 or > 7)
            {
                yield return $"{where}: {color} pcp {action.Pcp} is not 0..7";
            }
            if (action.Dscp is < 0 or > 63)
            {
                yield return $"{where}: {color} dscp {action.Dscp} is not 0..63";
            }
        }
    }
}
