// "Did you mean ...?" for unknown keys and names: the closest known spelling by edit distance, if it
// is close enough to be a typo rather than a different word.
namespace Hairpin.Host.Configuration.Yaml;

internal static class NearestName
{
    public static string? Find(string typed, IEnumerable<string> known)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in known)
        {
            int distance = Distance(typed.ToLowerInvariant(), candidate);
            if (distance < bestDistance)
            {
                (best, bestDistance) = (candidate, distance);
            }
        }
        // A shortened key ("ageing" for "ageing_time") is a typo too.
        if (bestDistance > 2 && known.FirstOrDefault(candidate => typed.Length >= 4 && candidate.StartsWith(typed, StringComparison.OrdinalIgnoreCase)) is string longer)
        {
            return longer;
        }
        // Up to a third of the word may differ: "hairpn" finds "hairpin", "colour" does not find "vlan".
        return bestDistance <= Math.Max(2, typed.Length / 3) ? best : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
