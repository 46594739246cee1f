// Test config files: written to a fresh temp directory (the loaders read real files, and errors name
// them), and the repository's examples/ found from the test's output directory.
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Tests.Configuration;

internal sealed class ConfigFile : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hairpin-config-").FullName;

    public string Write(string yaml, string name = "bridge.yaml")
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, yaml);
        return path;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Loads <paramref name="yaml"/> expecting failure; the errors with the path removed ("LINE:COLUMN: reason").</summary>
    public static IReadOnlyList<string> Errors(string yaml)
    {
        using var file = new ConfigFile();
        string path = file.Write(yaml);
        var error = Assert.Throws<ConfigException>(() => HostConfigLoader.Load(path));
        Assert.All(error.Errors, e => Assert.Equal(path, e.File));
        return [.. error.Errors.Select(e => $"{e.Line}:{e.Column}: {e.Reason}")];
    }

    public static HostConfig Load(string yaml)
    {
        using var file = new ConfigFile();
        return HostConfigLoader.Load(file.Write(yaml));
    }

    public static string Example(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "examples", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"examples/{name} not found above {AppContext.BaseDirectory}");
    }
}
