// FDB rows and requests for `fdb show|add|del`. MACs travel as "aa:bb:cc:dd:ee:ff" (lower case).
namespace Hairpin.Host.Management;

public enum FdbKind
{
    Learned,
    Sticky,
    Static,
}

/// <param name="AgeSeconds">Seconds since a frame last refreshed the entry (static entries never age but report it too).</param>
public sealed record FdbEntryInfo(string Mac, string Port, int Vid, FdbKind Kind, long AgeSeconds);

/// <summary>Which entries `fdb show` wants; null matches any.</summary>
public sealed record FdbFilter(string? Port = null, int? Vid = null);

/// <summary>An entry to add or delete. <paramref name="Vid"/> null: the port's PVID. <paramref name="Kind"/> is ignored by delete.</summary>
public sealed record FdbEntryChange(string Mac, string Port, int? Vid = null, FdbKind Kind = FdbKind.Static);
