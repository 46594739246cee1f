// A config file's new text written beside it (FILE.hairpin-save, with the file's mode) and put in
// place by one rename, so readers see the old file or the new one, never half; abandoned, the staged
// copy goes. Staging is the part that can fail (disk full, permissions), and it changes nothing.
namespace Hairpin.Host.Configuration;

public sealed class StagedFileWrite
{
    private readonly string _target;
    private readonly string _staged;

    private StagedFileWrite(string target, string staged)
    {
        _target = target;
        _staged = staged;
    }

    /// <summary>Writes <paramref name="text"/> beside <paramref name="file"/> (beside the file a symlink points to, so the link stays a link).</summary>
    public static StagedFileWrite Stage(string file, string text)
    {
        ArgumentNullException.ThrowIfNull(file);
        string target = new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file;
        string staged = target + ".hairpin-save";
        try
        {
            File.WriteAllText(staged, text);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(staged, File.GetUnixFileMode(target));   // a 0640 file stays 0640
            }
        }
        catch
        {
            File.Delete(staged);
            throw;
        }
        return new StagedFileWrite(target, staged);
    }

    public void Commit() => File.Move(_staged, _target, overwrite: true);

    public void Abandon() => File.Delete(_staged);
}
