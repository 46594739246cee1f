// What one learning attempt did; the engine turns each into a counter.
namespace Hairpin.Bridge.Core.Fdb;

public enum LearnOutcome : byte
{
    Refreshed,
    Learned,
    Moved,
    /// <summary>The MAC belongs to a static or sticky entry on another port; the entry stays.</summary>
    MoveRefused,
    /// <summary>A per-port or bridge-wide limit stopped a new entry; traffic to the MAC floods.</summary>
    LimitReached,
}
