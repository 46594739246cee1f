// Numbered frames sent in bursts of varied sizes with pauses of varied lengths between them (none, a
// fraction of a millisecond, up to tens of milliseconds), from one CPU so a veth cannot reorder them,
// and a receiver in a namespace that reports the numbers it saw in order. Made to catch a reader that
// loses or repeats frames at a hand-over: the end of a burst, a wake-up after a pause, a ring wrapping.
using System.Globalization;

namespace Hairpin.Host.Tests.Infrastructure;

public static class NumberedBursts
{
    public const ushort EtherType = 0x88B5;

    private static readonly int[] Sizes = [1, 2, 7, 64, 200, 3, 33, 1, 120];
    private static readonly string[] PausesMs = ["0", "0.05", "0.3", "1", "2", "5", "12", "25", "0.01", "3"];

    private const string SenderScript = """
        import socket, struct, sys, time
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((sys.argv[1], 0))
        src = bytes.fromhex(sys.argv[2])
        n = 0
        for plan in sys.argv[3:]:
            count, pause = plan.split(':')
            for _ in range(int(count)):
                s.send(b'\xff' * 6 + src + b'\x88\xb5' + struct.pack('>I', n) + bytes(42))
                n += 1
            time.sleep(float(pause) / 1000)
        """;

    private const string ReceiverScript = """
        import socket, struct, sys
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)   # SO_RCVBUFFORCE: a burst never overflows the test's own socket
        s.bind((sys.argv[1], 0))
        src, count = bytes.fromhex(sys.argv[2]), int(sys.argv[3])
        open(sys.argv[4], 'w').close()
        s.settimeout(10)
        seen = []
        try:
            while len(seen) < count:
                f = s.recv(4096)
                if f[6:12] == src and f[12:14] == b'\x88\xb5':
                    seen.append(struct.unpack('>I', f[14:18])[0])
        except socket.timeout:
            pass
        print(' '.join(map(str, seen)))
        """;

    /// <summary>The plan: <paramref name="bursts"/> bursts as "count:pause_ms", sizes and pauses cycling out of step.</summary>
    public static string[] Plan(int bursts) =>
        [.. Enumerable.Range(0, bursts).Select(i => $"{Sizes[i % Sizes.Length]}:{PausesMs[i % PausesMs.Length]}")];

    public static int FrameCount(string[] plan) => plan.Sum(step => int.Parse(step.Split(':')[0], CultureInfo.InvariantCulture));

    /// <summary>Sends the plan's frames (broadcast, EtherType 0x88B5, number in the first 4 payload bytes) out of an interface in the namespace.</summary>
    public static Task SendAsync(NetNamespace ns, string interfaceName, byte[] source, string[] plan) =>
        ns.ExecAsync(["taskset", "-c", "0", "/usr/bin/python3", "-c", SenderScript, interfaceName, Convert.ToHexStringLower(source), .. plan],
            timeout: TimeSpan.FromSeconds(90));

    /// <summary>The frame's number, if it is one of the plan's from <paramref name="source"/>.</summary>
    public static int? NumberOf(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> source) =>
        frame.Length >= 18 && frame.Slice(6, 6).SequenceEqual(source) && frame[12] == 0x88 && frame[13] == 0xB5
            ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame[14..])
            : null;

    /// <summary>
    /// Starts a receiver on an interface in the namespace; returns once it listens, with a task that ends
    /// with the numbers it saw, in order, once it has <paramref name="count"/> or 10 s pass without one.
    /// </summary>
    public static async Task<Task<int[]>> ReceiveAsync(NetNamespace ns, string interfaceName, byte[] source, int count)
    {
        string ready = Path.Combine(Path.GetTempPath(), NetNamespace.UniqueName("hp-bursts-ready-"));
        Task<ProcessRunner.Result> running = ns.ExecAsync(
            ["/usr/bin/python3", "-c", ReceiverScript, interfaceName, Convert.ToHexStringLower(source), count.ToString(CultureInfo.InvariantCulture), ready],
            timeout: TimeSpan.FromSeconds(120));
        await Eventually.TrueAsync(() => File.Exists(ready) || running.IsCompleted, "the receiver listening");
        File.Delete(ready);
        return Numbers(running);

        static async Task<int[]> Numbers(Task<ProcessRunner.Result> running) =>
            [.. (await running).Output.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(number => int.Parse(number, CultureInfo.InvariantCulture))];
    }
}
