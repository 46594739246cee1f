// The forwarding thread does the work the Linux bridge does in softirq context, which runs ahead of
// every ordinary process; as a plain thread it queues behind whatever else the machine runs (a build,
// a test suite) while its rings fill and the kernel drops. So it asks for a higher scheduling priority
// (nice -10) for itself alone: still fair CFS scheduling, no real-time class that could starve the
// machine. Without CAP_SYS_NICE the kernel refuses, and the thread runs at normal priority.
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

public static class ForwardingThreadPriority
{
    /// <summary>The nice value asked for.</summary>
    public const int Nice = -10;
    private const int PrioProcess = 0;   // PRIO_PROCESS with a thread id: that thread only
    private const long SysGettid = 186;  // x86-64

    /// <summary>Call on the forwarding thread. True when the kernel granted it; false (and nothing changed) otherwise.</summary>
    public static bool TryRaise()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return false;
        }
        int thread = (int)syscall(SysGettid);
        return thread > 0 && setpriority(PrioProcess, (uint)thread, Nice) == 0;
    }

#pragma warning disable SYSLIB1054 // as in LinuxNative.cs: blittable signatures, no marshalling.
    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, uint who, int priority);

    [DllImport("libc", SetLastError = true)]
    private static extern long syscall(long number);
#pragma warning restore SYSLIB1054
}
