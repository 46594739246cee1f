// One port a traced frame would be sent to, and what becomes of that copy.
using System.Globalization;
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Tracing;

/// <param name="Drop">Why this copy would be dropped at egress (egress ACL, pool, queue); null when it leaves.</param>
public sealed record TracedEgress(int Port, string PortName, TagForm Tag, DropReason? Drop)
{
    public bool Delivered => Drop is null;
}

/// <summary>How a frame leaves a port: untagged, or with an 802.1Q C-tag.</summary>
public readonly record struct TagForm(bool Tagged, int Vid, int Pcp, bool Dei)
{
    public static TagForm Untagged => default;

    /// <summary>"untagged" or "tag 10 pcp 3" (and " dei" when drop eligible).</summary>
    public override string ToString() => !Tagged
        ? "untagged"
        : string.Create(CultureInfo.InvariantCulture, $"tag {Vid} pcp {Pcp}{(Dei ? " dei" : "")}");
}
