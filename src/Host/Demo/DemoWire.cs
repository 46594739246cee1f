// The in-process story's cables: each control frame one end sends is logged (when, on which link, from
// whom) and held until the loop hands it to the other end. No sockets: a frame arrives in the same
// instant it left, as on a back-to-back link.
namespace Hairpin.Host.Demo;

/// <summary>One control frame on a link: when, which link (named by the bridge's port), and who sent it.</summary>
/// <param name="From">"station", "bridge" or "aggregation".</param>
internal sealed record WireFrame(TimeSpan At, string Link, string From, byte[] Frame);

/// <summary>Not thread-safe: the story drives it from one flow.</summary>
internal sealed class DemoWire(Func<TimeSpan> now)
{
    private readonly Queue<(string Link, string To, byte[] Frame)> _inFlight = new();

    /// <summary>Every control frame any end sent, in order.</summary>
    public List<WireFrame> Log { get; } = [];

    public void Send(string link, string from, string to, byte[] frame)
    {
        Log.Add(new WireFrame(now(), link, from, frame));
        _inFlight.Enqueue((link, to, frame));
    }

    public bool TryTake(out (string Link, string To, byte[] Frame) frame) => _inFlight.TryDequeue(out frame);
}
