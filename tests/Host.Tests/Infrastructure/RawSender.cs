// Sends Ethernet frames from inside a namespace as fast as a raw AF_PACKET socket takes them (or
// paced), with Debian's python3: a flood the bridge cannot keep up with, or a few frames of a chosen
// size. Prints how many the kernel accepted (a veth refuses with ENOBUFS when its peer's backlog is full).
using System.Globalization;

namespace Hairpin.Host.Tests.Infrastructure;

public static class RawSender
{
    private const string Script = """
        import socket, sys, time
        iface, count, size, pause, source = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((iface, 0))
        frame = b'\xff' * 6 + bytes.fromhex(source) + b'\x88\xb5' + bytes(size - 14)
        sent = 0
        for _ in range(count):
            try:
                s.send(frame)
                sent += 1
            except OSError:
                pass
            if pause:
                time.sleep(pause)
        print(sent)
        """;

    /// <summary>
    /// Sends <paramref name="count"/> broadcast frames (from this namespace when <paramref name="ns"/> is null) of <paramref name="size"/> bytes (EtherType 0x88b5)
    /// from <paramref name="sourceMac"/> (12 hex digits) out of <paramref name="interfaceName"/>;
    /// returns how many the kernel accepted.
    /// </summary>
    public static async Task<int> BroadcastAsync(string? ns, string interfaceName, int count, int size, string sourceMac, TimeSpan pause = default, TimeSpan? timeout = null)
    {
        string[] command = ["/usr/bin/python3", "-c", Script, interfaceName, count.ToString(CultureInfo.InvariantCulture), size.ToString(CultureInfo.InvariantCulture),
             pause.TotalSeconds.ToString(CultureInfo.InvariantCulture), sourceMac];
        ProcessRunner.Result result = ns is null
            ? await ProcessRunner.RunAsync(command[0], command[1..], timeout: timeout ?? TimeSpan.FromSeconds(60))
            : await NetLab.InAsync(ns, command, timeout: timeout ?? TimeSpan.FromSeconds(60));
        return int.Parse(result.Output.Trim(), CultureInfo.InvariantCulture);
    }
}
