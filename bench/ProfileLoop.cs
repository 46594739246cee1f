// A plain timed loop over one forwarding benchmark, for `perf record` (BenchmarkDotNet hides the
// process); run: dotnet bench/bin/Release/net10.0/Hairpin.Benchmarks.dll --profile unicast. Not a measurement of record.
namespace Hairpin.Benchmarks;
internal static class ProfileLoop
{
    /// <summary>Runs <paramref name="invocations"/> batches exactly (for instruction counting), or timed rounds when 0.</summary>
    public static void Run(string which, int invocations = 0)
    {
        Action act = Workload(which);
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

    /// <summary>The benchmark row named by <paramref name="which"/>, set up (reference and QoS rows too, for side-by-side runs of two builds).</summary>
    private static Action Workload(string which)
    {
        switch (which)
        {
            case "ref-unicast" or "ref-hairpin":
                var reference = new ReferenceBenchmarks();
                reference.Setup();
                return which == "ref-hairpin" ? reference.HairpinReflection : reference.KnownUnicast;
            case "qos-acl1000" or "qos-policer":
                var qos = new QosBenchmarks();
                qos.Setup();
                return which == "qos-policer" ? qos.PolicerAndScheduler : qos.AclOf1000WithClassAndPolicing;
            default:
                var b = new ForwardingBenchmarks();
                b.Setup();
                return which switch { "hairpin" => b.HairpinReflection, "flood" => b.FloodToEightPorts, "churn" => b.LearningChurn, "vsi" => b.VsiEnforcedUnicast, _ => b.KnownUnicast };
        }
    }
}
