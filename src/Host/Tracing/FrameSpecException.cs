// A FRAME-SPEC that cannot be built: one line naming the word at fault, for the CLI's stderr.
namespace Hairpin.Host.Tracing;

public sealed class FrameSpecException : FormatException
{
    public FrameSpecException()
    {
    }

    public FrameSpecException(string message)
        : base(message)
    {
    }

    public FrameSpecException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal static FrameSpecException At(string word, string why) => new($"frame spec: bad '{word}': {why}");

    internal static FrameSpecException Missing(string what) => new($"frame spec: missing {what}");
}
