// What became of one injected frame, read back from the engine: the copies found on the egress rings
// and the engine's disposition of it. Nothing here comes from what the scenario expected.
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Host.Demo;

/// <summary>One copy that left the bridge by <paramref name="Port"/>.</summary>
/// <param name="Reflected">It left by the port it came in on (reflective relay).</param>
/// <param name="Modified">Its bytes differ from the frame as received (e.g. a tag pushed or popped).</param>
/// <param name="Vid">The VID of its 802.1Q tag as it left; 0 untagged.</param>
internal sealed record Delivery(string Port, bool Reflected, bool Modified, int Vid = 0);

/// <summary>A drop the engine reported for <paramref name="Reason"/> on <paramref name="Port"/> (at ingress, or of the copy for that port at egress).</summary>
internal sealed record Drop(string Port, DropReason Reason, long Count, bool AtEgress)
{
    public string ReasonName => DropReasons.Name(Reason);
}

internal sealed record FrameOutcome(
    string IngressPort,
    byte[] Frame,
    IReadOnlyList<Delivery> Deliveries,
    IReadOnlyList<Drop> Drops,
    bool Trapped)
{
    /// <summary>The bytes of each copy as it left, by port (what the cable carries on to a next appliance).</summary>
    public IReadOnlyList<(string Port, byte[] Frame)> Copies { get; init; } = [];

    /// <summary>What became of the copy that crossed the trunk, in the other appliance's engine; null when none crossed.</summary>
    public FrameOutcome? Beyond { get; init; }

    /// <summary>The appliance whose engine <see cref="Beyond"/> comes from.</summary>
    public string? BeyondAppliance { get; init; }

    public bool DeliveredTo(string port) => Deliveries.Any(delivery => delivery.Port == port);
    public int CopiesTo(string port) => Deliveries.Count(delivery => delivery.Port == port);
}
