// Counts recent moves per MAC for damping. Moves are rare, so a small direct-mapped table is
// enough: a collision only restarts another MAC's count, which errs on the side of not damping.
namespace Hairpin.Bridge.Core.Forwarding;

internal sealed class MoveTracker
{
    private const int Size = 256;
    private readonly ulong[] _keys = new ulong[Size];
    private readonly uint[] _windowStarts = new uint[Size];
    private readonly int[] _counts = new int[Size];

    /// <summary>Records one move of <paramref name="key"/> and returns the moves within the window, this one included.</summary>
    public int Record(ulong key, uint now, uint windowSeconds)
    {
        int slot = (int)((key * 0x9E37_79B9_7F4A_7C15UL) >> 56);
        if (_keys[slot] != key || now - _windowStarts[slot] >= windowSeconds)
        {
            _keys[slot] = key;
            _windowStarts[slot] = now;
            _counts[slot] = 0;
        }
        return ++_counts[slot];
    }

    /// <summary>Forgets every count (after a topology change, when past moves say nothing about hosts any more).</summary>
    public void Clear() => Array.Clear(_keys);

    public void Forget(ulong key)
    {
        int slot = (int)((key * 0x9E37_79B9_7F4A_7C15UL) >> 56);
        if (_keys[slot] == key)
        {
            _keys[slot] = 0;
        }
    }
}
