// A token bucket counting frames, refilled from the batch's timestamp. Tokens are kept in units of
// 1/frequency of a frame so that refill is exact integer arithmetic at any clock frequency.
namespace Hairpin.Bridge.Core.Forwarding;

internal struct StormMeter
{
    private long _tokens;          // frames x timestamp frequency
    private long _lastRefill;      // timestamp of the last refill
    private bool _started;         // a new meter starts full

    /// <summary>Takes one frame's token; false when the port is over <paramref name="framesPerSecond"/>.</summary>
    public bool TryTake(long framesPerSecond, long now, long frequency)
    {
        long capacity = framesPerSecond * frequency;   // one second of burst
        if (!_started)
        {
            _tokens = capacity;
            _lastRefill = now;
            _started = true;
        }
        long elapsed = Math.Min(now - _lastRefill, frequency);
        if (elapsed > 0)
        {
            _tokens = Math.Min(capacity, _tokens + (elapsed * framesPerSecond));
            _lastRefill = now;
        }
        if (_tokens < frequency)
        {
            return false;
        }
        _tokens -= frequency;
        return true;
    }
}
