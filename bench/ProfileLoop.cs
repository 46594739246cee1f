// A plain timed loop over one forwarding benchmark, for `perf record` (BenchmarkDotNet hides the
// process); run: dotnet bench/bin/Release/net10.0/Hairpin.Benchmarks.dll --profile unicast. Not a measurement of record.
namespace Hairpin.Benchmarks;
internal static class ProfileLoop
{
    /// <summary>Runs <paramref name="invocations"/> batches exactly (for instruction counting), or timed rounds when 0.</summary>
    public static void Run(string which, int invocations = 0)
    {
        // "X-after-acl": the ACL and QoS rows run first, as in the budget gate's process, so the
        // engine's shared code is tiered up on their profile before X is timed.
        if (which.EndsWith("-after-acl", StringComparison.Ordinal))
        {
            which = which[..^"-after-acl".Length];
            foreach (string warm in new[] { "qos-acl1000", "qos-policer", "flood" })
            {
                Action first = Workload(warm);
                var warming = System.Diagnostics.Stopwatch.StartNew();
                while (warming.ElapsedMilliseconds < 1500)
                {
                    first();
                }
            }
        }
        if (which == "gate-like")
        {
            // Every benchmark case runs a while in this process first, as in the budget gate, then the
            // engine's known unicast and hairpin rows are paired with the reference's (PairedRatio).
            var all = new Dictionary<string, BenchmarkDotNet.Running.BenchmarkCase>(StringComparer.Ordinal);
            foreach (Type type in new[] { typeof(AclBenchmarks), typeof(FdbBenchmarks), typeof(ForwardingBenchmarks), typeof(QosBenchmarks), typeof(ReferenceBenchmarks), typeof(StormControlBenchmarks) })
            {
                foreach (BenchmarkDotNet.Running.BenchmarkCase benchmark in BenchmarkDotNet.Running.BenchmarkConverter.TypeToBenchmarks(type).BenchmarksCases)
                {
                    using var instance = new BenchmarkInstance(benchmark);
                    var running = System.Diagnostics.Stopwatch.StartNew();
                    while (running.ElapsedMilliseconds < 700)
                    {
                        instance.Workload();
                    }
                    all[$"{type.Name}.{benchmark.Descriptor.WorkloadMethod.Name}{benchmark.Parameters.DisplayInfo}"] = benchmark;
                }
            }
            foreach ((string engine, string reference) in new[] { ("ForwardingBenchmarks.KnownUnicast", "ReferenceBenchmarks.KnownUnicast"), ("ForwardingBenchmarks.HairpinReflection", "ReferenceBenchmarks.HairpinReflection") })
            {
                System.Console.WriteLine($"{engine} / {reference}: {PairedRatio.Measure(all[engine], all[reference]):0.000}x");
            }
            return;
        }
        if (which.StartsWith("paired:", StringComparison.Ordinal))
        {
            string[] pair = which.Split(':');
            Paired(Workload(pair[1]), Workload(pair[2]), which);
            return;
        }
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
                return which switch { "hairpin" => b.HairpinReflection, "flood" => b.FloodToEightPorts, "churn" => b.LearningChurn, "vsi" => b.VsiEnforcedUnicast, "span" => b.KnownUnicastWithSpanSession, "flows" => b.KnownUnicastWithFlowExport, _ => b.KnownUnicast };
        }
    }

    /// <summary>As PairedRatio: the two rows in alternating windows of about 0.5 ms, the median of the adjacent windows' speed ratio.</summary>
    private static void Paired(Action a, Action b, string which)
    {
        for (int i = 0; i < 2000; i++)
        {
            a();
            b();
        }
        var ratios = new List<double>();
        var timesA = new List<double>();
        var timesB = new List<double>();
        var total = System.Diagnostics.Stopwatch.StartNew();
        while (total.ElapsedMilliseconds < 4000)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < 40; i++)
            {
                a();
            }
            double ta = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < 80; i++)
            {
                b();
            }
            double tb = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds / 2;
            ratios.Add(tb / ta);
            timesA.Add(ta * 1e9 / (40 * 256));
            timesB.Add(tb * 1e9 / (40 * 256));
        }
        ratios.Sort();
        timesA.Sort();
        timesB.Sort();
        System.Console.WriteLine($"{which}: median ratio {ratios[ratios.Count / 2]:0.000}x, median {timesA[timesA.Count / 2]:0.0} and {timesB[timesB.Count / 2]:0.0} ns/frame");
    }
}
