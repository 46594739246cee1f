// Damaged copies of a config file for fuzzing the loaders: truncations, deleted and inserted
// characters (YAML's punctuation most of all), re-indented and repeated lines, from a fixed seed so a
// failure names an input that can be rebuilt. Shared with the dumb vswitch's tests.
using System.Text;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Tests.Infrastructure;

public static class YamlMutations
{
    private static readonly string[] Insertions =
        ["{", "}", "[", "]", ":", ",", "-", "#", "&a", "*a", "!", "|", ">", "'", "\"", "%", "@", "`", "?", "\t", "\n", " ", "  ", "\0", "\uFEFF", ": ", "- ", "{ ", "\\", "0x", "999999999999999999999"];

    /// <summary>Hand-picked inputs that broke YAML readers elsewhere, then <paramref name="count"/> random mutations of <paramref name="yaml"/>.</summary>
    public static IEnumerable<string> Of(string yaml, int seed, int count)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        yield return "a: { b: c\nd: e\n";                          // issue 8: InvalidOperationException from the scanner
        yield return new string('[', 10_000);                       // would overflow the stack of a recursive loader
        yield return string.Concat(Enumerable.Repeat("{a: ", 10_000));
        yield return string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', i) + "- \n"));
        yield return "a: &x [1, *x]\n";
        yield return "a: *missing\n";
        yield return "? [a, b]\n: c\n";
        yield return "ports: &p\n  - *p\n";
        yield return "\uFEFF\uFEFF";
        yield return "%YAML 9.9\n---\na: b\n";
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            yield return Mutate(yaml, random, 1 + random.Next(3));
        }
    }

    private static string Mutate(string yaml, Random random, int times)
    {
        var text = new StringBuilder(yaml);
        for (int i = 0; i < times && text.Length > 0; i++)
        {
            int at = random.Next(text.Length);
            switch (random.Next(6))
            {
                case 0:
                    text.Length = at;
                    break;
                case 1:
                    text.Remove(at, Math.Min(1 + random.Next(5), text.Length - at));
                    break;
                case 2:
                    text.Insert(at, Insertions[random.Next(Insertions.Length)]);
                    break;
                case 3:
                    text[at] = Insertions[random.Next(Insertions.Length)][0];
                    break;
                default:
                    string[] lines = text.ToString().Split('\n');
                    int line = random.Next(lines.Length);
                    lines[line] = random.Next(3) switch
                    {
                        0 => lines[line] + "\n" + lines[line],
                        1 => (random.Next(2) == 0 ? "\t" : " ") + lines[line],
                        _ => lines[line].TrimStart(),
                    };
                    text.Clear().AppendJoin('\n', lines);
                    break;
            }
        }
        return text.ToString();
    }

    /// <summary>Runs <paramref name="load"/>: a config, or a ConfigException whose every error points into the text of <paramref name="file"/>.</summary>
    public static void AssertLoadsOrFailsLocated<T>(string text, Func<string, string, T> load, string file = "fuzz.yaml")
    {
        try
        {
            load(text, file);
        }
        catch (ConfigException error)
        {
            Assert.NotEmpty(error.Errors);
            int lines = text.Split('\n').Length;
            foreach (ConfigError line in error.Errors)
            {
                Assert.True(line.File == file && line.Line >= 1 && line.Line <= lines + 1 && line.Column >= 1 && line.Reason.Length > 0,
                    $"badly located error '{line}' for input:\n{text}");
            }
        }
#pragma warning disable CA1031 // the point of the test: anything else is the failure, shown with its input
        catch (Exception error)
#pragma warning restore CA1031
        {
            Assert.Fail($"{error.GetType().Name}: {error.Message} for input:\n{text}\n{error.StackTrace}");
        }
    }
}
