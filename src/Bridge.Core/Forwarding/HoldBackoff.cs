// How long a timed protection (BPDU guard, loop detection) holds a port down: the configured time
// at first, doubling for each repeat, up to 16 times; forgiven once the port has stayed up for ten
// base holds. The quiet spell counts from when the port came back, never across a hold, so a
// fault that is still there when the port returns keeps doubling instead of starting over.
namespace Hairpin.Bridge.Core.Forwarding;

internal struct HoldBackoff
{
    public const int MaxDoublings = 4;
    public const int QuietHoldsToForgive = 10;

    private int _strikes;
    private bool _upSinceLastStrike;
    private uint _upSince;

    /// <summary>Counts a strike at <paramref name="now"/> and returns the hold it earns.</summary>
    public uint Strike(uint now, uint baseSeconds)
    {
        uint hold = Peek(now, baseSeconds);
        _strikes = Forgiven(now, baseSeconds) ? 1 : _strikes + 1;
        _upSinceLastStrike = false;
        return hold;
    }

    /// <summary>The hold a strike at <paramref name="now"/> would earn, without counting it.</summary>
    public readonly uint Peek(uint now, uint baseSeconds) =>
        baseSeconds << Math.Min(Forgiven(now, baseSeconds) ? 0 : _strikes, MaxDoublings);

    /// <summary>The port forwards again from <paramref name="now"/>: the quiet spell starts.</summary>
    public void CameBack(uint now)
    {
        _upSinceLastStrike = true;
        _upSince = now;
    }

    private readonly bool Forgiven(uint now, uint baseSeconds) =>
        _strikes == 0 || (_upSinceLastStrike && now - _upSince >= (ulong)QuietHoldsToForgive * baseSeconds);
}
