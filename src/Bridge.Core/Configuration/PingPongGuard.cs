// The ping-pong guard: a frame this bridge flooded out of a hairpin port, from another port, that
// comes straight back in on that port was sent back by a neighbour that reflects too (two hairpin
// ports facing each other). A host's own repeats are never caught (specs/loop-protection.md).
namespace Hairpin.Bridge.Core.Configuration;

public sealed record PingPongGuard
{
    public bool Enabled { get; init; } = true;
    /// <summary>
    /// How long a flood out of a hairpin port is remembered. A bounce comes back within micro- to
    /// milliseconds; a host's repeats never match (only floods from other ports are remembered).
    /// </summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMilliseconds(100);

    public IEnumerable<string> Validate()
    {
        if (Window <= TimeSpan.Zero || Window > TimeSpan.FromSeconds(1))
        {
            yield return $"ping-pong-guard window {Window.TotalMilliseconds} ms must be above 0 and at most 1000 ms";
        }
    }
}
