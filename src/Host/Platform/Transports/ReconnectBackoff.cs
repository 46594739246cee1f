// How long a transport waits before trying its peer again: doubling from a first delay up to a cap, and
// back to the first delay once a connection succeeds (stream connect: 100 ms .. 5 s; devices: 1 s flat).
namespace Hairpin.Host.Transports;

/// <summary>Not thread-safe: one per reconnect loop.</summary>
public sealed class ReconnectBackoff
{
    private readonly TimeSpan _first;
    private readonly TimeSpan _cap;

    public ReconnectBackoff(TimeSpan first, TimeSpan cap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(first, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, first);
        _first = first;
        _cap = cap;
        Next = first;
    }

    /// <summary>The delay the next failed attempt waits.</summary>
    public TimeSpan Next { get; private set; }

    /// <summary>Returns the delay to wait now and doubles the following one, up to the cap.</summary>
    public TimeSpan Failed()
    {
        TimeSpan now = Next;
        Next = now * 2 < _cap ? now * 2 : _cap;
        return now;
    }

    /// <summary>The peer answered: the next outage starts again from the first delay.</summary>
    public void Succeeded() => Next = _first;
}
