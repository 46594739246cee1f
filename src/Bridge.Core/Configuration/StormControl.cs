// Storm control as switches do it (`storm-control broadcast level pps N`): per-port ceilings on the
// flooded traffic a port may inject, in frames per second, with one second of burst.
namespace Hairpin.Bridge.Core.Configuration;

public enum StormAction : byte
{
    /// <summary>Frames over the rate are dropped and counted.</summary>
    Drop,
    /// <summary>The first frame over the rate also error-disables the port until an operator recovers it.</summary>
    Disable,
}

public sealed record StormControl
{
    public static StormControl Off { get; } = new();

    /// <summary>Broadcast frames per second the port may inject; 0 means no limit.</summary>
    public long BroadcastPps { get; init; }
    /// <summary>Multicast frames per second; 0 means no limit.</summary>
    public long MulticastPps { get; init; }
    /// <summary>Unknown-unicast (flooded) frames per second; 0 means no limit.</summary>
    public long UnknownUnicastPps { get; init; }
    public StormAction Action { get; init; } = StormAction.Drop;

    public bool Enabled => BroadcastPps > 0 || MulticastPps > 0 || UnknownUnicastPps > 0;

    public IEnumerable<string> Validate()
    {
        const long MaxPps = 1_000_000_000;
        foreach ((string name, long pps) in new[] { ("broadcast", BroadcastPps), ("multicast", MulticastPps), ("unknown-unicast", UnknownUnicastPps) })
        {
            if (pps is < 0 or > MaxPps)
            {
                yield return $"storm-control {name} {pps} pps must be between 0 (off) and {MaxPps}";
            }
        }
    }
}
