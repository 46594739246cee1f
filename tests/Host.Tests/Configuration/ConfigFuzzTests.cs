// Whatever is in the file, the loader answers with located errors (ConfigException) or a config:
// never another exception, which would crash `hairpin bridge` at start or on SIGHUP.
using Hairpin.Host.Configuration;
using Hairpin.Host.Configuration.Yaml;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Configuration;

public sealed class ConfigFuzzTests
{
    [Fact]
    public void TheIssueReproducerIsOneLocatedSyntaxError() =>
        Assert.Equal(["2:1: YAML syntax: cannot read past here (is a '{', '[' or quote above left open?)"], ConfigFile.Errors("a: { b: c\nd: e\n"));

    [Fact]
    public void NestingDeeperThanAnyConfigNeedsIsAnErrorNotAStackOverflow() =>
        Assert.Equal([$"1:{YamlFile.MaxNesting + 1}: YAML syntax: nested more than {YamlFile.MaxNesting} levels deep"], ConfigFile.Errors(new string('[', 100_000)));

    [Fact]
    public void DamagedCopiesOfTheExampleFailOnlyWithLocatedConfigErrors()
    {
        string example = File.ReadAllText(ConfigFile.Example("bridge.yaml"));
        foreach (string text in YamlMutations.Of(example, seed: 8, count: 2000))
        {
            YamlMutations.AssertLoadsOrFailsLocated(text, HostConfigLoader.Parse);
        }
    }
}
