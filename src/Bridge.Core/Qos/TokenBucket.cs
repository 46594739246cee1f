// One token bucket in bytes, refilled from caller-supplied timestamps. Tokens are kept scaled by the
// timestamp frequency (bytes x ticks/second) in 128-bit arithmetic, so refill is exact at any clock
// frequency and rates up to terabits per second cannot overflow.
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

    public readonly bool Holds(int bytes, long frequency) => _tokens >= (Int128)bytes * frequency;

    public void Take(int bytes, long frequency) => _tokens -= (Int128)bytes * frequency;

    /// <summary>Adds <paramref name="elapsedTicks"/> x <paramref name="bytesPerSecond"/>; returns what did not fit.</summary>
    public Int128 Fill(Int128 scaledBytes)
    {
        Int128 room = _capacity - _tokens;
        Int128 added = scaledBytes < room ? scaledBytes : room;
        _tokens += added;
        return scaledBytes - added;
    }
}
