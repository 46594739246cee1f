// A capture filter compiled from a tcpdump-style expression (PacketFilterParser): a tree of small
// tests over the frame's bytes, built once, asked per frame without allocating. It answers as tcpdump
// (libpcap's BPF) does for the same expression on the same frame, including libpcap's rule that a
// frame the expression would read past the end of is not matched at all, whatever `not` or `or`
// surround that read. The grammar is in specs/capture.md.
namespace Hairpin.Bridge.Core.Capture;

/// <summary>A compiled capture filter. Immutable; <see cref="Matches"/> may be called from any thread.</summary>
public sealed class PacketFilter : IFrameFilter
{
    private readonly FilterNode? _root;

    internal PacketFilter(string expression, FilterNode? root)
    {
        Expression = expression;
        _root = root;
    }

    /// <summary>The expression as written; empty for the filter that matches every frame.</summary>
    public string Expression { get; }

    /// <summary>No filter: every frame matches (tcpdump's empty expression).</summary>
    public static PacketFilter MatchAll { get; } = new("", null);

    public bool Matches(ReadOnlySpan<byte> frame)
    {
        if (_root is null)
        {
            return true;
        }
        bool beyondFrame = false;
        return _root.Evaluate(frame, ref beyondFrame) && !beyondFrame;
    }

    public override string ToString() => Expression;
}

/// <summary>One test of the filter tree.</summary>
/// <remarks>A test that needs a byte past the frame's end sets <c>beyondFrame</c> and answers false; every
/// combinator then stops and answers false, so the whole filter rejects the frame, as a BPF program
/// does when a load falls outside the packet.</remarks>
internal abstract class FilterNode
{
    public abstract bool Evaluate(ReadOnlySpan<byte> frame, ref bool beyondFrame);
}

internal sealed class AndNode(FilterNode left, FilterNode right) : FilterNode
{
    public override bool Evaluate(ReadOnlySpan<byte> frame, ref bool beyondFrame) =>
        left.Evaluate(frame, ref beyondFrame) && right.Evaluate(frame, ref beyondFrame);
}

internal sealed class OrNode(FilterNode left, FilterNode right) : FilterNode
{
    public override bool Evaluate(ReadOnlySpan<byte> frame, ref bool beyondFrame)
    {
        if (left.Evaluate(frame, ref beyondFrame))
        {
            return true;
        }
        return !beyondFrame && right.Evaluate(frame, ref beyondFrame);
    }
}

internal sealed class NotNode(FilterNode operand) : FilterNode
{
    public override bool Evaluate(ReadOnlySpan<byte> frame, ref bool beyondFrame)
    {
        bool result = operand.Evaluate(frame, ref beyondFrame);
        return !beyondFrame && !result;
    }
}
