// The two rate three color marker, RFC 2698: peak rate PIR into bucket P (size PBS) and committed
// rate CIR into bucket C (size CBS). Above PIR is red, between CIR and PIR yellow, within CIR green.
using System.Runtime.CompilerServices;

namespace Hairpin.Bridge.Core.Qos;

public sealed class TwoRateMeter
{
    private readonly long _peakBytesPerSecond;
    private readonly long _committedBytesPerSecond;
    private readonly long _frequency;
    private TokenBucket _peak;
    private TokenBucket _committed;
    private long _lastUpdate;

    public TwoRateMeter(long pirBytesPerSecond, long pbsBytes, long cirBytesPerSecond, long cbsBytes, long now, long frequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cirBytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(pirBytesPerSecond, cirBytesPerSecond);
        _peakBytesPerSecond = pirBytesPerSecond;
        _committedBytesPerSecond = cirBytesPerSecond;
        _frequency = frequency;
        _peak = new TokenBucket(pbsBytes, frequency);
        _committed = new TokenBucket(cbsBytes, frequency);
        _lastUpdate = now;
    }

    /// <summary>Meters one frame. Color-aware when <paramref name="precolor"/> is given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MeterColor Mark(int bytes, long now, MeterColor precolor = MeterColor.Green)
    {
        if (now > _lastUpdate)
        {
            Refill(now);   // the first frame of a batch: the rest share its timestamp
        }
        Int128 cost = TokenBucket.CostOf(bytes, _frequency);
        if (precolor == MeterColor.Red || !_peak.Holds(cost))
        {
            return MeterColor.Red;
        }
        if (precolor == MeterColor.Yellow || !_committed.Holds(cost))
        {
            _peak.Take(cost);
            return MeterColor.Yellow;
        }
        _peak.Take(cost);
        _committed.Take(cost);
        return MeterColor.Green;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refill(long now)
    {
        Int128 elapsed = now - _lastUpdate;
        _peak.Fill(elapsed * _peakBytesPerSecond);
        _committed.Fill(elapsed * _committedBytesPerSecond);
        _lastUpdate = now;
    }
}
