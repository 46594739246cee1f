// Bytes a benchmark allocates per frame on the thread that forwards, measured exactly: a fresh instance,
// its parameters and global setup, a warm-up, then many invocations between two readings of
// GC.GetAllocatedBytesForCurrentThread. BenchmarkDotNet's GC statistics are process-wide, so any
// background thread of the runtime or of BenchmarkDotNet itself that allocates during its measured run
// (seen here: a few hundred bytes, depending on what else the machine does) was charged to the engine.
using BenchmarkDotNet.Running;

namespace Hairpin.Benchmarks;

internal static class ThreadAllocation
{
    private const int WarmupInvocations = 2_000;
    private const int MeasuredInvocations = 20_000;

    /// <summary>Allocated bytes per operation (frame) of <paramref name="benchmark"/> on the calling thread.</summary>
    public static double PerOperation(BenchmarkCase benchmark)
    {
        using var instance = new BenchmarkInstance(benchmark);
        Action workload = instance.Workload;
        for (int i = 0; i < WarmupInvocations; i++)
        {
            workload();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < MeasuredInvocations; i++)
        {
            workload();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        return (double)allocated / ((long)MeasuredInvocations * instance.OperationsPerInvoke);
    }
}
