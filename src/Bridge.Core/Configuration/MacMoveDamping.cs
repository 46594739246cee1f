// MAC move damping: a source MAC that flaps between ports faster than any VM migrates is a loop
// (two hairpin ports facing each other, a reflecting neighbour) or a spoofer, not a host.
namespace Hairpin.Bridge.Core.Configuration;

public sealed record MacMoveDamping
{
    public bool Enabled { get; init; } = true;
    /// <summary>Moves allowed within <see cref="Window"/>; one more is damped.</summary>
    public int MaxMoves { get; init; } = 5;
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How long the MAC stays pinned to the port it was on, learning nothing from the offending port.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(60);

    public IEnumerable<string> Validate()
    {
        if (MaxMoves < 1)
        {
            yield return $"mac-move-damping max-moves {MaxMoves} must be at least 1";
        }
        if (Window < TimeSpan.FromSeconds(1) || Hold < TimeSpan.FromSeconds(1) || Hold > TimeSpan.FromSeconds(32_767))
        {
            yield return "mac-move-damping window must be at least 1 s and hold between 1 and 32767 s";
        }
    }
}
