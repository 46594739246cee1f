// The golden-file helper's own message: which line differs, and the end of a shorter file.
namespace Hairpin.Host.Tests.Infrastructure;

public sealed class GoldenTests
{
    [Fact]
    public void The_first_differing_line_is_named_with_both_versions()
    {
        string message = Golden.FirstDifference("a\nb\nc\n", "a\nB\nc\n");

        Assert.Contains("line 2", message, StringComparison.Ordinal);
        Assert.Contains("verified: \"b\"", message, StringComparison.Ordinal);
        Assert.Contains("received: \"B\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shorter_text_differs_at_its_end()
    {
        string message = Golden.FirstDifference("a\n", "a\nb\n");

        Assert.Contains("line 2", message, StringComparison.Ordinal);
        Assert.Contains("(end of file)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_final_newline_is_named_as_such() =>
        Assert.Equal("the texts differ only in the final newline", Golden.FirstDifference("a\n", "a"));

    [Fact]
    public void Line_endings_are_normalised_to_newlines() =>
        Assert.Equal("a\nb\nc", Golden.Normalise("a\r\nb\rc"));
}
