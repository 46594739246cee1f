// Where the appliance keeps its VSI state (the `store:` key): the embedded file, one appliance and no
// server, or etcd, shared by every appliance of a site. Chosen at start only: a reload that changes
// it is refused, since the VSIs already claimed live in the store that is open.
namespace Hairpin.Host.Configuration;

public abstract record StoreConfig
{
    private StoreConfig()
    {
    }

    /// <summary>How long a de-associated (or lost) VSI stays in the store by default: a month of VM downtime.</summary>
    public static readonly TimeSpan DefaultForgetAfter = TimeSpan.FromDays(30);

    /// <summary>
    /// A VSI de-associated (or lost) this long is removed from the store with its counters and moves
    /// (`forget_after`): VMs come and go for good, and a store that never forgets grows without end.
    /// </summary>
    public TimeSpan ForgetAfter { get; init; } = DefaultForgetAfter;

    /// <summary>For the log and `vsi show`: "embedded (PATH)" or "etcd (ENDPOINTS) PREFIX as NAME", then a forget_after that is not the default.</summary>
    public abstract string Describe();

    private protected string Forgetting() => ForgetAfter == DefaultForgetAfter ? "" : $", forget_after {Words(ForgetAfter)}";

    // As the file would say it: whole days, else whole hours, else seconds.
    private static string Words(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerDay == 0 ? $"{(long)span.TotalDays}d"
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? $"{(long)span.TotalHours}h"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{span.TotalSeconds}s");

    /// <summary>The default: VSI state in <paramref name="File"/>, rewritten as it changes.</summary>
    public sealed record Embedded(string File) : StoreConfig
    {
        public override string Describe() => $"embedded ({File}){Forgetting()}";
    }

    /// <param name="Endpoints">http(s) URLs of the etcd cluster's members.</param>
    /// <param name="Prefix">Every key of this site starts with it, e.g. "/hairpin".</param>
    /// <param name="Name">This appliance's name in the store (owner of its VSIs, its lease).</param>
    /// <param name="LeaseTtlSeconds">How long after this appliance stops answering its VSIs are marked lost.</param>
    public sealed record Etcd(IReadOnlyList<string> Endpoints, string Prefix, string Name, int LeaseTtlSeconds) : StoreConfig
    {
        public const string DefaultPrefix = "/hairpin";
        public const int DefaultLeaseTtlSeconds = 10;

        public override string Describe() => $"etcd ({string.Join(", ", Endpoints)}) {Prefix} as {Name}{Forgetting()}";

        // By value, endpoints included: a reload compares the running store with the file's.
        public bool Equals(Etcd? other) =>
            other is not null && Endpoints.SequenceEqual(other.Endpoints, StringComparer.Ordinal) && Prefix == other.Prefix
            && Name == other.Name && LeaseTtlSeconds == other.LeaseTtlSeconds && ForgetAfter == other.ForgetAfter;

        public override int GetHashCode() => HashCode.Combine(Endpoints.Count, Prefix, Name, LeaseTtlSeconds);
    }
}
