// The README's command lines are what newcomers paste first: the ones for the CLI must survive the
// shell as written (no unquoted redirection inside a command) and parse.
using Hairpin.Host.Tracing;

namespace Hairpin.Host.Tests;

public sealed class ReadmeTests
{
    [Fact]
    public void TheReadmesTraceLinesParseAndContainNoUnquotedShellOperator()
    {
        string[] traces = [.. ShellLines().Where(line => line.StartsWith("hairpin trace ", StringComparison.Ordinal))];
        Assert.NotEmpty(traces);
        foreach (string line in traces)
        {
            string command = line.Split('#')[0].Trim();
            string[] words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.DoesNotContain(words, word => word is ">" or "<" or "|" or ">>" or ";");
            // hairpin trace dev NAME FRAME-SPEC...
            Assert.Equal(["hairpin", "trace", "dev"], words[..3]);
            Assert.NotEmpty(FrameSpec.Parse(words[4..]));
        }
    }

    /// <summary>The lines of the README's ```sh blocks.</summary>
    private static IEnumerable<string> ShellLines()
    {
        bool inShell = false;
        foreach (string line in File.ReadLines(Readme()))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inShell = !inShell && line == "```sh";
                continue;
            }
            if (inShell)
            {
                yield return line;
            }
        }
    }

    private static string Readme()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "Hairpin.sln")))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"README.md not found above {AppContext.BaseDirectory}");
    }
}
