// The single rate three color marker, RFC 2697: committed rate CIR with buckets C (size CBS) and
// E (size EBS). Tokens arrive at CIR into C; what C cannot hold overflows into E.
using System.Runtime.CompilerServices;

namespace Hairpin.Bridge.Core.Qos;

public sealed class SingleRateMeter
{
    private readonly long _bytesPerSecond;
    private readonly long _frequency;
    private TokenBucket _committed;
    private TokenBucket _excess;
    private long _lastUpdate;

    /// <param name="cirBytesPerSecond">Committed information rate, bytes per second.</param>
    /// <param name="cbsBytes">Committed burst size; RFC 2697 asks for at least one maximum frame.</param>
    /// <param name="ebsBytes">Excess burst size.</param>
    /// <param name="now">The timestamp the meter starts at (both buckets full).</param>
    public SingleRateMeter(long cirBytesPerSecond, long cbsBytes, long ebsBytes, long now, long frequency)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cirBytesPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegative(cbsBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(ebsBytes);
        _bytesPerSecond = cirBytesPerSecond;
        _frequency = frequency;
        _committed = new TokenBucket(cbsBytes, frequency);
        _excess = new TokenBucket(ebsBytes, frequency);
        _lastUpdate = now;
    }

    /// <summary>Meters one frame. Color-aware when <paramref name="precolor"/> is given (yellow stays at most yellow, red stays red).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public MeterColor Mark(int bytes, long now, MeterColor precolor = MeterColor.Green)
    {
        if (now > _lastUpdate)
        {
            Refill(now);   // the first frame of a batch: the rest share its timestamp
        }
        Int128 cost = TokenBucket.CostOf(bytes, _frequency);
        if (precolor == MeterColor.Green && _committed.Holds(cost))
        {
            _committed.Take(cost);
            return MeterColor.Green;
        }
        if (precolor != MeterColor.Red && _excess.Holds(cost))
        {
            _excess.Take(cost);
            return MeterColor.Yellow;
        }
        return MeterColor.Red;
    }

    /// <summary>
    /// For the policy fast path's run (BridgeEngine.PolicyRun.cs), which meters a run of green frames
    /// at once: the most bytes that frames marked green one after another at <paramref name="now"/>
    /// may add up to, all green (a frame of n bytes is green while n x frequency tokens are left, so a
    /// run's frames are all green while their bytes are at most the tokens / frequency). -1 when the
    /// meter is due a refill: Mark refills it first.
    /// </summary>
    internal long GreenBudget(long now) => now <= _lastUpdate ? (long)(_committed.Tokens / _frequency) : -1;

    /// <summary>What Mark takes from the buckets for green frames of <paramref name="bytes"/> bytes in all, under <see cref="GreenBudget"/>.</summary>
    internal void TakeGreen(long bytes) => _committed.Take((Int128)bytes * _frequency);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refill(long now)
    {
        Int128 arrived = (Int128)(now - _lastUpdate) * _bytesPerSecond;
        _excess.Fill(_committed.Fill(arrived));
        _lastUpdate = now;
    }
}
