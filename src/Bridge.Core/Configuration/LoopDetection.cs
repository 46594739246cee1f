// Loop detection by probes: the bridge sends frames of its own out of each port and listens for
// them coming back, which only a loop (or a reflecting neighbour) can do.
namespace Hairpin.Bridge.Core.Configuration;

public sealed record LoopDetection
{
    public bool Enabled { get; init; } = true;
    /// <summary>How long a port that received the bridge's own probe stays down before it is tried again.</summary>
    public TimeSpan Retry { get; init; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        if (Retry < TimeSpan.FromSeconds(1))
        {
            yield return $"loop-detection retry {Retry.TotalSeconds} s must be at least 1 s";
        }
    }
}
