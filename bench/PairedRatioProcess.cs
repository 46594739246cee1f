// Each paired ratio of the budget gate measured in a fresh process of this same program. In the gate's
// own process every benchmark row has run before the ratios are timed, and the JIT's tiered PGO has
// compiled the engine's shared code (RunBatch, the stages) on the mix of all of them: SPAN, IPFIX, ACL
// and QoS rows included. Plain known unicast then runs code laid out for frames it never sees, and the
// gate printed engine / reference lower than an isolated paired run (0.29x beside 0.34x or more). A
// child per pair gives the two rows of that pair, and only them, the profile they are compiled on.
using System.Diagnostics;
using System.Globalization;

namespace Hairpin.Benchmarks;

internal static class PairedRatioProcess
{
    /// <summary>The argument a child is started with, followed by the two benchmark names.</summary>
    public const string Flag = "--paired-ratio";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The paired ratio of <paramref name="benchmark"/> over <paramref name="of"/>, timed in a child process; NaN when the child fails.</summary>
    public static double Measure(string benchmark, string of)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Started as `dotnet Hairpin.Benchmarks.dll`, the child needs the dll; started through the
        // apphost (e.g. dotnet run), the executable is the program.
        string host = Environment.ProcessPath ?? "dotnet";
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(PairedRatioProcess).Assembly.Location);
        }
        start.ArgumentList.Add(Flag);
        start.ArgumentList.Add(benchmark);
        start.ArgumentList.Add(of);
        using Process child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
        string output = child.StandardOutput.ReadToEnd();
        if (!child.WaitForExit(Timeout) || child.ExitCode != 0)
        {
            return double.NaN;
        }
        return double.TryParse(output.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ratio) ? ratio : double.NaN;
    }

    /// <summary>The child's side: times the pair and prints the ratio alone (round-trip format); exit code 2 when a name is unknown.</summary>
    public static int Run(string benchmark, string of)
    {
        BenchmarkDotNet.Running.BenchmarkCase? a = BenchmarkCatalog.Find(benchmark);
        BenchmarkDotNet.Running.BenchmarkCase? b = BenchmarkCatalog.Find(of);
        if (a is null || b is null)
        {
            Console.Error.WriteLine($"no benchmark named {(a is null ? benchmark : of)}");
            return 2;
        }
        Console.WriteLine(PairedRatio.Measure(a, b).ToString("R", CultureInfo.InvariantCulture));
        return 0;
    }
}
