// Bytes allocated on this thread while forwarding, for the "nothing allocated per frame" tests. It
// measures several windows and returns the least: a one-time cost (the JIT tiering a method up, a
// first call) lands in one window only, as a full run of the suite showed now and then (a few hundred
// to 8,000 bytes once), while anything allocated per frame or per batch lands in every window.
namespace Hairpin.Bridge.Core.Tests.Infrastructure;

public static class AllocationProbe
{
    public static long LeastOf(int windows, Action window)
    {
        ArgumentNullException.ThrowIfNull(window);
        long least = long.MaxValue;
        for (int i = 0; i < windows; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            window();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
