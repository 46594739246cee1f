// The CI budget gate: runs every benchmark with a short job, then holds each figure to bench/budget.json
// and prints it beside its budget: floors, allocation, ratios between two rows timed side by side
// (PairedRatio: engine vs the reference bridge, ACL + QoS vs plain forwarding, many vs few ACL rules;
// each pair in a fresh process of its own, PairedRatioProcess), and the targets still ahead, which it
// reports but does not fail on. Exit code 0 only when every check passes.
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using System.Globalization;

namespace Hairpin.Benchmarks;

internal static class BudgetGate
{
    public static int Run()
    {
        Budget budget = Budget.Load(Path.Combine(AppContext.BaseDirectory, "budget.json"));
        IConfig config = ManualConfig.CreateEmpty()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddLogger(NullLogger.Instance)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithOptions(ConfigOptions.DisableLogFile);
        Summary[] summaries = BenchmarkRunner.Run(typeof(BudgetGate).Assembly, config);

        int passed = 0;
        int failed = 0;
        var seenFloors = new HashSet<string>(StringComparer.Ordinal);
        var ran = new HashSet<string>(StringComparer.Ordinal);
        Console.WriteLine($"{"benchmark",-58} {"Mpps",8} {"floor",7} {"B/frame",8} {"budget",7}  verdict");
        foreach (BenchmarkReport report in summaries.SelectMany(summary => summary.Reports))
        {
            string shown = BenchmarkCatalog.NameOf(report.BenchmarkCase);
            if (!report.Success || report.ResultStatistics is null)
            {
                Console.WriteLine($"{shown,-58} did not run  FAIL");
                failed++;
                continue;
            }
            // The median, not the mean: on a shared machine one iteration slowed by a neighbour would
            // otherwise decide the verdict (the README quotes medians too).
            double mpps = 1_000.0 / report.ResultStatistics.Median;
            // Measured on the forwarding thread alone (ThreadAllocation), not from BenchmarkDotNet's
            // process-wide GC statistics, which also count background threads.
            double bytesPerFrame = ThreadAllocation.PerOperation(report.BenchmarkCase);

            bool floorHeld = true;
            string floorText = "-";
            ran.Add(shown);
            if (budget.FloorsMpps.TryGetValue(shown, out double floor))
            {
                seenFloors.Add(shown);
                floorHeld = mpps >= floor;
                floorText = floor.ToString("0.0#", CultureInfo.InvariantCulture);
            }
            bool allocationHeld = bytesPerFrame <= budget.MaxAllocatedBytesPerFrame;
            bool ok = floorHeld && allocationHeld;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{shown,-58} {mpps,8:0.00} {floorText,7} {bytesPerFrame,8:0.###} {budget.MaxAllocatedBytesPerFrame,7:0}  {(ok ? "ok" : "FAIL")}"));
            if (ok)
            {
                passed++;
            }
            else
            {
                failed++;
            }
        }
        // Ratios are timed again, the two cases in alternating windows (PairedRatio), not divided from
        // the rows above, which were measured half a minute apart; and each pair in a child process, so
        // that the JIT's profile of the engine is that pair's, not this process's mix of every row.
        var paired = new Dictionary<(string, string), double>();
        foreach (RatioBudget ratio in budget.Ratios)
        {
            double actual = PairedRatioOf(ratio, ran, paired);
            bool ok = actual >= ratio.AtLeast;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio: {ratio.Benchmark} / {ratio.Of}: {actual:0.00#}x (at least {ratio.AtLeast:0.00#}x{Because(ratio)})  {(ok ? "ok" : "FAIL")}"));
            if (ok)
            {
                passed++;
            }
            else
            {
                failed++;
            }
        }
        // Goals not yet reached: shown so that every run says how far there is to go, never a failure.
        foreach (RatioBudget target in budget.Targets)
        {
            double actual = PairedRatioOf(target, ran, paired);
            string verdict = double.IsNaN(actual) ? "did not run" : actual >= target.AtLeast ? "met" : "not met";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"target: {target.Benchmark} / {target.Of}: {actual:0.00#}x (goal {target.AtLeast:0.00#}x{Because(target)})  {verdict}"));
        }
        foreach (string missing in budget.FloorsMpps.Keys.Except(seenFloors))
        {
            Console.WriteLine($"{missing,-58} has a floor in budget.json but no benchmark ran  FAIL");
            failed++;
        }
        Console.WriteLine($"budget: {passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>The paired ratio for <paramref name="ratio"/>'s two rows (once per pair), or NaN when either did not run.</summary>
    private static double PairedRatioOf(RatioBudget ratio, HashSet<string> ran, Dictionary<(string, string), double> paired)
    {
        if (!ran.Contains(ratio.Benchmark) || !ran.Contains(ratio.Of))
        {
            return double.NaN;
        }
        if (!paired.TryGetValue((ratio.Benchmark, ratio.Of), out double value))
        {
            value = PairedRatioProcess.Measure(ratio.Benchmark, ratio.Of);
            paired[(ratio.Benchmark, ratio.Of)] = value;
        }
        return value;
    }

    private static string Because(RatioBudget ratio) => ratio.Why is null ? "" : "; " + ratio.Why;
}
