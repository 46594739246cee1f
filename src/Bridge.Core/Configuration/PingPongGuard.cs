// The ping-pong guard: a frame this bridge reflected out of a hairpin port that comes straight back
// in on that port was bounced by a neighbour that reflects too (two hairpin ports facing each other).
namespace Hairpin.Bridge.Core.Configuration;

public sealed record PingPongGuard
{
    public bool Enabled { get; init; } = true;
    /// <summary>
    /// How long a reflected frame is remembered. A bounce comes back within micro- to milliseconds;
    /// hosts repeat a broadcast (ARP, DHCP) a second or more apart, so this stays well below that.
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
