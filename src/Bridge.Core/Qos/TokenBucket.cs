// One token bucket in bytes, refilled from caller-supplied timestamps. Tokens are kept scaled by the
// timestamp frequency (bytes x ticks/second) in 128-bit arithmetic, so refill is exact at any clock
// frequency and rates up to terabits per second cannot overflow. A frame's cost in those units is
// worked out once per frame (CostOf) and then compared and taken without further multiplies.
using System.Runtime.CompilerServices;

namespace Hairpin.Bridge.Core.Qos;

internal struct TokenBucket
{
    private Int128 _tokens;       // bytes x frequency
    private readonly Int128 _capacity;

    public TokenBucket(long sizeBytes, long frequency)
    {
        _capacity = (Int128)sizeBytes * frequency;
        _tokens = _capacity;      // RFC 2697/2698: buckets start full
    }

    /// <summary><paramref name="bytes"/> x <paramref name="frequency"/>, exact: one unsigned 64 x 64 bit multiply (a frame's size and a clock frequency are never negative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Int128 CostOf(int bytes, long frequency)
    {
        ulong high = Math.BigMul((ulong)(uint)bytes, (ulong)frequency, out ulong low);
        return new Int128(high, low);
    }

    public readonly bool Holds(int bytes, long frequency) => Holds(CostOf(bytes, frequency));

    public void Take(int bytes, long frequency) => Take(CostOf(bytes, frequency));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool Holds(Int128 cost) => _tokens >= cost;

    /// <summary>The tokens now, bytes x frequency.</summary>
    public readonly Int128 Tokens => _tokens;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Take(Int128 cost) => _tokens -= cost;

    /// <summary>Adds <paramref name="elapsedTicks"/> x <paramref name="bytesPerSecond"/>; returns what did not fit.</summary>
    public Int128 Fill(Int128 scaledBytes)
    {
        Int128 room = _capacity - _tokens;
        Int128 added = scaledBytes < room ? scaledBytes : room;
        _tokens += added;
        return scaledBytes - added;
    }
}
