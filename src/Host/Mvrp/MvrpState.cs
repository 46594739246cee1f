// What MVRP has registered, as the runtime publishes it: per MVRP port, the VIDs neighbours declare
// there beyond the port's static VLANs. The overlay makes them the port's (tagged) members.
namespace Hairpin.Host.Mvrp;

public sealed record MvrpState(IReadOnlyDictionary<string, IReadOnlyList<int>> Registered)
{
    public static MvrpState None { get; } = new(new Dictionary<string, IReadOnlyList<int>>(StringComparer.Ordinal));

    public IReadOnlyList<int> On(string port) => Registered.TryGetValue(port, out IReadOnlyList<int>? vids) ? vids : [];

    public bool Equals(MvrpState? other) =>
        other is not null && Registered.Count == other.Registered.Count
        && Registered.All(entry => other.Registered.TryGetValue(entry.Key, out IReadOnlyList<int>? vids) && vids.SequenceEqual(entry.Value));

    public override int GetHashCode() => Registered.Count;
}
