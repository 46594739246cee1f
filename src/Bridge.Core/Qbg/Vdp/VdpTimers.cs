// VDP's timers, derived from the EVB TLV's exponents (time = 10 us x 2^exponent, 802.1Qbg-2012 D.2.13):
// the station's keep-alive period, its wait for an answer, and the bridge's keep-alive window.
namespace Hairpin.Bridge.Core.Qbg.Vdp;

public static class VdpTimers
{
    /// <summary>lldpad's defaults for the EVB TLV: R 3, RTE 8, RWD 20, RKA 20.</summary>
    public const int DefaultRetries = 3;
    public const int DefaultRte = 8;
    public const int DefaultRwd = 20;
    public const int DefaultRka = 20;

    private const long TicksPer10Microseconds = TimeSpan.TicksPerMillisecond / 100;

    /// <summary>10 us x 2^<paramref name="exponent"/> (exponents are 5 bits: 0..31).</summary>
    public static TimeSpan FromExponent(int exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(exponent, 31);
        return TimeSpan.FromTicks(TicksPer10Microseconds << exponent);
    }

    /// <summary>How often a station resends a VSI's request once answered: 2^RKA (10.49 s at RKA 20, as lldpad).</summary>
    public static TimeSpan KeepAliveInterval(int rka) => FromExponent(rka);

    /// <summary>
    /// How long a station waits for an answer before giving up on a request: 1.5 x (the ECP time for
    /// R retries at RTE plus the bridge's resource wait 2^RWD), as lldpad computes it: 15.76 s by default.
    /// </summary>
    public static TimeSpan ResponseWait(int retries, int rte, int rwd) =>
        ((1 + (2 * retries)) * FromExponent(rte) + FromExponent(rwd)) * 1.5;

    /// <summary>
    /// How long a bridge keeps a VSI without a keep-alive: three keep-alive periods (31.46 s at RKA 20),
    /// so two lost keep-alives in a row are survived. lldpad's own bridge allows 1.5 x (ECP time + 2^RKA),
    /// about 15.8 s, which a single lost keep-alive already exceeds.
    /// </summary>
    public static TimeSpan KeepAliveWindow(int rka) => 3 * FromExponent(rka);
}
