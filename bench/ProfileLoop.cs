// A plain timed loop over one forwarding benchmark, for `perf record` (BenchmarkDotNet hides the
// process); run: dotnet bench/bin/Release/net10.0/Hairpin.Benchmarks.dll --profile unicast. Not a measurement of record.
namespace Hairpin.Benchmarks;
internal static class ProfileLoop
{
    public static void Run(string which)
    {
        var b = new ForwardingBenchmarks();
        b.Setup();
        Action act = which switch { "hairpin" => b.HairpinReflection, "flood" => b.FloodToEightPorts, "churn" => b.LearningChurn, _ => b.KnownUnicast };
        for (int round = 0; round < 4; round++)
        {
            var sw = System.Diagnostics.Stopwatch.StartNew();
            int n = 0;
            while (sw.ElapsedMilliseconds < 1000) { for (int i = 0; i < 100; i++) act(); n += 100; }
            double ns = sw.Elapsed.TotalNanoseconds / (n * 256.0);
            System.Console.WriteLine($"{which}: {ns:0.0} ns/frame = {1000 / ns:0.0} Mpps");
        }
    }
}
