// Golden-file ("approval") checks with Verify's file conventions (Verify.Xunit does not restore here):
// the expected text lives in {TestClass}.{TestMethod}.verified.txt beside the test's source file, and a
// mismatch writes {TestClass}.{TestMethod}.received.txt beside it for diffing (git ignores *.received.txt).
//
// To accept new output, run the tests with HAIRPIN_ACCEPT_GOLDEN=1, e.g.
//     HAIRPIN_ACCEPT_GOLDEN=1 dotnet test tests/Host.Tests
// which writes the verified files instead of comparing; then read the diff before committing it.
using System.Runtime.CompilerServices;

namespace Hairpin.Host.Tests.Infrastructure;

public static class Golden
{
    public const string AcceptVariable = "HAIRPIN_ACCEPT_GOLDEN";

    /// <summary>
    /// Compares <paramref name="actual"/> with the verified file for the calling test. The test class name is
    /// taken from the source file's name (one test class per file, as in this repository). Line endings are
    /// normalised to \n on both sides.
    /// </summary>
    public static void Verify(string actual, [CallerFilePath] string sourceFile = "", [CallerMemberName] string method = "")
    {
        ArgumentNullException.ThrowIfNull(actual);
        string directory = Path.GetDirectoryName(sourceFile) ?? "";
        if (directory.Length == 0 || !Directory.Exists(directory))
        {
            Assert.Fail($"golden files live beside the test source, but '{sourceFile}' is not on this machine (a path-mapped build?)");
        }
        string stem = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(sourceFile)}.{method}");
        string verifiedPath = stem + ".verified.txt";
        string receivedPath = stem + ".received.txt";
        string received = Normalise(actual);

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            File.WriteAllText(verifiedPath, received);
            File.Delete(receivedPath);
            return;
        }
        if (!File.Exists(verifiedPath))
        {
            File.WriteAllText(receivedPath, received);
            Assert.Fail(
                $"no verified file {verifiedPath}; the output was written to {receivedPath}. " +
                $"Check it, then rename it or rerun with {AcceptVariable}=1.");
        }
        string verified = Normalise(File.ReadAllText(verifiedPath));
        if (verified == received)
        {
            File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, received);
        Assert.Fail(
            $"output differs from {verifiedPath}; the output was written to {receivedPath}.{Environment.NewLine}" +
            FirstDifference(verified, received) + Environment.NewLine +
            $"If the change is intended, rerun with {AcceptVariable}=1 (or copy the received file over the verified one).");
    }

    public static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    /// <summary>"first difference at line N:" with the verified and received lines (or the end of either).</summary>
    public static string FirstDifference(string verified, string received)
    {
        // A final newline ends the last line rather than starting an empty one.
        string[] expectedLines = LinesOf(verified);
        string[] actualLines = LinesOf(received);
        int count = Math.Max(expectedLines.Length, actualLines.Length);
        for (int i = 0; i < count; i++)
        {
            string? expected = i < expectedLines.Length ? expectedLines[i] : null;
            string? actual = i < actualLines.Length ? actualLines[i] : null;
            if (expected != actual)
            {
                return $"first difference at line {i + 1}:{Environment.NewLine}" +
                    $"  verified: {Show(expected)}{Environment.NewLine}" +
                    $"  received: {Show(actual)}";
            }
        }
        return verified == received ? "the texts are equal" : "the texts differ only in the final newline";
    }

    private static string[] LinesOf(string text) =>
        text.Length == 0 ? [] : (text.EndsWith('\n') ? text[..^1] : text).Split('\n');

    private static string Show(string? line) => line is null ? "(end of file)" : $"\"{line}\"";
}
