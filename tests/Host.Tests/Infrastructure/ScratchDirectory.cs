// A directory of the test's own under TMPDIR, removed with everything in it when the test ends
// (the test run leaves nothing behind). Its path stays short: a Unix socket path must fit 108 bytes.
namespace Hairpin.Host.Tests.Infrastructure;

public sealed class ScratchDirectory : IDisposable
{
    private ScratchDirectory(string path) => Path = path;

    public string Path { get; }

    public static ScratchDirectory Create() =>
        new(Directory.CreateTempSubdirectory("hp-").FullName);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
