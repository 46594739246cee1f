// How many times as fast one benchmark runs as another, measured so that a busy neighbour cannot
// decide it. BenchmarkDotNet measures the two rows half a minute apart, and on this shared 2-core VM
// one of them can land in a neighbour's build and the other not (seen: engine / reference from 0.21x to
// 0.30x between runs). Here the two run in alternating windows of about half a millisecond each, and
// the figure is the median over all pairs of adjacent windows of their ratio: both halves of a pair see
// the same machine. The budget gate runs each pair in a process of its own (PairedRatioProcess).
// The shape of this loop is deliberate: the JIT's tiered PGO compiles the engine on the profile it
// collects here, and the engine's tier-1 code came out 25-40 % slower from other harnesses in the same
// fresh process (per-case timing methods called many times: engine / reference 0.39x; a warm-up of
// single alternations until the JIT was quiet: 0.34x; with DOTNET_TieredPGO=0 all of them 0.49x).
// This one (single alternations, then alternating windows, counted once the JIT is quiet) gives what
// ProfileLoop's `--profile paired:` and a lone `--profile unicast` give, 0.48-0.52x.
using System.Diagnostics;
using BenchmarkDotNet.Running;

namespace Hairpin.Benchmarks;

internal static class PairedRatio
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(0.5);
    private const int WarmupPairs = 2_000;
    private static readonly TimeSpan LongestInterleave = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan QuietJit = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan LongestWarmup = TimeSpan.FromSeconds(5);

    /// <summary>Frames per second of <paramref name="benchmark"/> over those of <paramref name="of"/>.</summary>
    public static double Measure(BenchmarkCase benchmark, BenchmarkCase of)
    {
        using var first = new BenchmarkInstance(benchmark);
        using var second = new BenchmarkInstance(of);
        Action a = first.Workload;
        Action b = second.Workload;
        var warming = Stopwatch.StartNew();
        for (int i = 0; i < WarmupPairs && warming.Elapsed < LongestInterleave; i++)
        {
            a();
            b();
        }
        // Windows are timed from here on, but counted only once the JIT has compiled nothing for a
        // while (or after LongestWarmup): in a fresh process the engine's code passes through tier 0,
        // an instrumented tier and tier 1 (1-2 s here, about 250 ns per frame before and 20-40 after).
        int perWindowA = 1;
        int perWindowB = 1;
        var ratios = new List<double>();
        var quiet = Stopwatch.StartNew();
        long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        Stopwatch? counting = null;
        while (counting is null || counting.Elapsed < Duration)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < perWindowA; i++)
            {
                a();
            }
            double secondsA = Stopwatch.GetElapsedTime(start).TotalSeconds;
            start = Stopwatch.GetTimestamp();
            for (int i = 0; i < perWindowB; i++)
            {
                b();
            }
            double secondsB = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double secondsPerFrameA = secondsA / ((double)perWindowA * first.OperationsPerInvoke);
            double secondsPerFrameB = secondsB / ((double)perWindowB * second.OperationsPerInvoke);
            if (counting is not null)
            {
                ratios.Add(secondsPerFrameB / secondsPerFrameA);
            }
            else if (System.Runtime.JitInfo.GetCompiledMethodCount() != compiled)
            {
                compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
                quiet.Restart();
            }
            else if (quiet.Elapsed >= QuietJit || warming.Elapsed >= LongestWarmup)
            {
                counting = Stopwatch.StartNew();
            }
            perWindowA = InvocationsPerWindow(secondsA / perWindowA);
            perWindowB = InvocationsPerWindow(secondsB / perWindowB);
        }
        ratios.Sort();
        return ratios[ratios.Count / 2];
    }

    /// <summary>Invocations that fill about one window at the last window's speed.</summary>
    private static int InvocationsPerWindow(double secondsPerInvocation) =>
        Math.Clamp((int)(Window.TotalSeconds / secondsPerInvocation), 1, 100_000);
}

