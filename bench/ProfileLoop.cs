// A plain timed loop over one forwarding benchmark, for `perf record` (BenchmarkDotNet hides the
// process); run: dotnet bench/bin/Release/net10.0/Hairpin.Benchmarks.dll --profile unicast. Not a measurement of record.
namespace Hairpin.Benchmarks;
internal static class ProfileLoop
{
    /// <summary>Runs <paramref name="invocations"/> batches exactly (for instruction counting), or timed rounds when 0.</summary>
    public static void Run(string which, int invocations = 0)
    {
        var b = new ForwardingBenchmarks();
        b.Setup();
        Action act = which switch { "hairpin" => b.HairpinReflection, "flood" => b.FloodToEightPorts, "churn" => b.LearningChurn, "vsi" => b.VsiEnforcedUnicast, _ => b.KnownUnicast };
        if (invocations > 0)
        {
            for (int i = 0; i < invocations; i++)
            {
                act();
            }
            return;
        }
        // Neighbour load on a shared VM only ever adds time, so the fastest of many short windows is
        // the most repeatable figure; the median is printed beside it.
        var windows = new List<double>();
        var total = System.Diagnostics.Stopwatch.StartNew();
        while (total.ElapsedMilliseconds < 4000)
        {
            var window = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; i < 50; i++)
            {
                act();
            }
            windows.Add(window.Elapsed.TotalNanoseconds / (50.0 * 256));
        }
        windows.Sort();
        double best = windows[windows.Count / 100];
        double median = windows[windows.Count / 2];
        System.Console.WriteLine($"{which}: best {best:0.0} ns/frame ({1000 / best:0.0} Mpps), median {median:0.0} ns/frame ({1000 / median:0.0} Mpps)");
    }
}
