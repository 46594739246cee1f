// Runs every specs/scenarios/*.scenario file as one test case each.
namespace Hairpin.Bridge.Core.Tests.Scenarios;

public sealed class ScenarioTests
{
    private static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "specs", "scenarios");

    public static TheoryData<string> Files()
    {
        var files = new TheoryData<string>();
        foreach (string file in System.IO.Directory.EnumerateFiles(Directory, "*.scenario").Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetFileName(file));
        }
        return files;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void ScenarioHoldsAsWritten(string file)
    {
        int steps = ScenarioRunner.Run(Path.Combine(Directory, file));
        Assert.True(steps > 0, $"{file} has no steps");
    }

    [Fact]
    public void EverySpecAreaHasScenarios()
    {
        Assert.True(System.IO.Directory.EnumerateFiles(Directory, "*.scenario").Count() >= 8, $"expected the forwarding scenarios in {Directory}");
    }
}
