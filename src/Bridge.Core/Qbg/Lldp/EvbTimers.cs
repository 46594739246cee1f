// The four EVB timer settings the EVB TLV negotiates for ECP and VDP. Each side sends its own; both
// then run with the larger of each (802.1Qbg-2012 6.6.2.3), which ECP and VDP read from here.
namespace Hairpin.Bridge.Core.Qbg.Lldp;

/// <param name="R">ECP's maximum retransmissions (0..7).</param>
/// <param name="Rte">ECP's retransmit exponent (0..31).</param>
/// <param name="Rwd">VDP's resource wait delay exponent (0..31).</param>
/// <param name="Rka">VDP's keep-alive exponent (0..31).</param>
public readonly record struct EvbTimers(int R, int Rte, int Rwd, int Rka)
{
    public const int MaxR = 7;
    public const int MaxExponent = 31;

    /// <summary>lldpad's defaults: R 3, RTE 8 (2.56 ms), RWD 20 and RKA 20 (about 10.5 s).</summary>
    public static EvbTimers LldpadDefaults { get; } = new(3, 8, 20, 20);

    /// <summary>ECP's acknowledgement timeout, 10 us x 2^RTE.</summary>
    public TimeSpan RetransmitTimeout => FromExponent(Rte);
    /// <summary>How long a VDP station waits for the bridge's answer, 10 us x 2^RWD.</summary>
    public TimeSpan ResourceWaitDelay => FromExponent(Rwd);
    /// <summary>The VDP keep-alive period, 10 us x 2^RKA.</summary>
    public TimeSpan KeepAlive => FromExponent(Rka);

    public bool IsValid => R is >= 0 and <= MaxR
        && Rte is >= 0 and <= MaxExponent && Rwd is >= 0 and <= MaxExponent && Rka is >= 0 and <= MaxExponent;

    /// <summary>10 us x 2^<paramref name="exponent"/>, the unit of every EVB timer.</summary>
    public static TimeSpan FromExponent(int exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(exponent, MaxExponent);
        return TimeSpan.FromTicks((TimeSpan.TicksPerMillisecond / 100) << exponent);
    }

    /// <summary>The larger of each field: what both ends operate with.</summary>
    public static EvbTimers Max(EvbTimers a, EvbTimers b) =>
        new(Math.Max(a.R, b.R), Math.Max(a.Rte, b.Rte), Math.Max(a.Rwd, b.Rwd), Math.Max(a.Rka, b.Rka));
}
