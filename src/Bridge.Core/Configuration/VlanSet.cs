// An immutable set of VLAN IDs (1..4094), stored as a 4096-bit map so membership tests are one load.
using System.Text;

namespace Hairpin.Bridge.Core.Configuration;

public sealed class VlanSet : IEquatable<VlanSet>
{
    public const int MinVid = 1;
    public const int MaxVid = 4094;
    private const int VidCount = 4096;

    private readonly ulong[] _bits = new ulong[VidCount / 64];

    public static readonly VlanSet Empty = new([]);

    public VlanSet(IEnumerable<int> vids)
    {
        foreach (int vid in vids)
        {
            if (vid is < MinVid or > MaxVid)
            {
                throw new ArgumentOutOfRangeException(nameof(vids), vid, $"VLAN ID {vid} is outside {MinVid}..{MaxVid}");
            }
            _bits[vid >> 6] |= 1UL << (vid & 63);
        }
    }

    public static VlanSet Of(params int[] vids) => new(vids);

    /// <summary>Parses "10", "10,20", "100-110,200" (the iproute2 and NX-OS range habit).</summary>
    public static VlanSet Parse(string text)
    {
        var vids = new List<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int dash = part.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                vids.Add(int.Parse(part, System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }
            int first = int.Parse(part.AsSpan(0, dash), System.Globalization.CultureInfo.InvariantCulture);
            int last = int.Parse(part.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture);
            if (last < first)
            {
                throw new FormatException($"VLAN range '{part}' runs backwards");
            }
            for (int vid = first; vid <= last; vid++)
            {
                vids.Add(vid);
            }
        }
        return new VlanSet(vids);
    }

    public bool Contains(int vid) => (uint)vid < VidCount && (_bits[vid >> 6] & (1UL << (vid & 63))) != 0;

    public bool IsSubsetOf(VlanSet other)
    {
        for (int i = 0; i < _bits.Length; i++)
        {
            if ((_bits[i] & ~other._bits[i]) != 0)
            {
                return false;
            }
        }
        return true;
    }

    public IEnumerable<int> Vids
    {
        get
        {
            for (int vid = MinVid; vid <= MaxVid; vid++)
            {
                if (Contains(vid))
                {
                    yield return vid;
                }
            }
        }
    }

    public bool IsEmpty => _bits.All(word => word == 0);

    /// <summary>Compact range form, e.g. "1,10-12".</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        int? start = null;
        for (int vid = MinVid; vid <= MaxVid + 1; vid++)
        {
            bool inSet = vid <= MaxVid && Contains(vid);
            if (inSet && start is null)
            {
                start = vid;
            }
            else if (!inSet && start is int first)
            {
                if (text.Length > 0)
                {
                    text.Append(',');
                }
                text.Append(first);
                if (vid - 1 > first)
                {
                    text.Append('-').Append(vid - 1);
                }
                start = null;
            }
        }
        return text.ToString();
    }

    public bool Equals(VlanSet? other) => other is not null && _bits.AsSpan().SequenceEqual(other._bits);
    public override bool Equals(object? obj) => Equals(obj as VlanSet);
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (ulong word in _bits)
        {
            hash.Add(word);
        }
        return hash.ToHashCode();
    }
}
