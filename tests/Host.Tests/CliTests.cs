// The `hairpin` entry point, run in-process: exit codes and which stream each message goes to.
namespace Hairpin.Host.Tests;

public sealed class CliTests
{
    private static (int Exit, string Out, string Error) Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        int exit = Cli.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void An_unknown_command_exits_2_with_one_error_line_and_nothing_on_stdout()
    {
        (int exit, string output, string error) = Run("frobnicate");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.EndsWith("\n", error, StringComparison.Ordinal);
        string line = Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Contains("unknown command 'frobnicate'", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Demo_with_an_extra_argument_is_a_usage_error()
    {
        (int exit, string output, string error) = Run("demo", "--fast");

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
    }

    [Theory]
    [InlineData]
    [InlineData("--help")]
    [InlineData("-h")]
    public void No_arguments_or_help_prints_usage_and_exits_0(params string[] args)
    {
        (int exit, string output, string error) = Run(args);

        Assert.Equal(0, exit);
        Assert.StartsWith("usage: hairpin <command>", output, StringComparison.Ordinal);
        Assert.Contains("demo", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public void Demo_in_process_prints_the_story_and_exits_0()
    {
        // The namespace lab (what `demo` runs as root) has its own test, RootDemoTests, run one at a time with the other labs.
        (int exit, string output, string error) = Run("demo", "--in-process");

        Assert.Equal(0, exit);
        Assert.StartsWith("hairpin demo:", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }
}
