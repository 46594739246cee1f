// How many times as fast one benchmark runs as another, measured so that a busy neighbour cannot
// decide it. BenchmarkDotNet measures the two rows half a minute apart, and on this shared 2-core VM
// one of them can land in a neighbour's build and the other not (seen: engine / reference from 0.21x to
// 0.30x between runs). Here the two run in alternating windows of about half a millisecond each, and
// the figure is the median over all pairs of adjacent windows of their ratio: both halves of a pair see
// the same machine.
using System.Diagnostics;
using BenchmarkDotNet.Running;

namespace Hairpin.Benchmarks;

internal static class PairedRatio
{
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(0.5);
    private const int WarmupInvocations = 500;

    /// <summary>Frames per second of <paramref name="benchmark"/> over those of <paramref name="of"/>.</summary>
    public static double Measure(BenchmarkCase benchmark, BenchmarkCase of)
    {
        using var a = new BenchmarkInstance(benchmark);
        using var b = new BenchmarkInstance(of);
        int perWindowA = Calibrate(a);
        int perWindowB = Calibrate(b);
        var ratios = new List<double>();
        var total = Stopwatch.StartNew();
        while (total.Elapsed < Duration)
        {
            double secondsPerFrameA = Time(a, perWindowA);
            double secondsPerFrameB = Time(b, perWindowB);
            ratios.Add(secondsPerFrameB / secondsPerFrameA);
        }
        ratios.Sort();
        return ratios[ratios.Count / 2];
    }

    /// <summary>Warms the case up and returns how many invocations fill about one window.</summary>
    private static int Calibrate(BenchmarkInstance instance)
    {
        for (int i = 0; i < WarmupInvocations; i++)
        {
            instance.Workload();
        }
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < WarmupInvocations; i++)
        {
            instance.Workload();
        }
        double perInvocation = Stopwatch.GetElapsedTime(start).TotalSeconds / WarmupInvocations;
        return Math.Max(1, (int)(Window.TotalSeconds / perInvocation));
    }

    private static double Time(BenchmarkInstance instance, int invocations)
    {
        Action workload = instance.Workload;
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < invocations; i++)
        {
            workload();
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds / ((double)invocations * instance.OperationsPerInvoke);
    }
}
