// `hairpin capture dev NAME [vsi ID | mac MAC] [vlan VID] [in|out|both] [-c COUNT] [--duration S]
// [--bytes N] [-s SNAPLEN] -w FILE|- [FILTER...]`: frames as the bridge saw them on one port, written as pcapng
// (one interface named after the port, ns timestamps, the direction in each packet's flags, and a
// comment "dropped: REASON" on frames the bridge dropped). `-w -` streams to stdout, so
// `hairpin capture dev vm1 -w - | wireshark -k -i -` and `| tshark -r -` work. The CLI starts the
// capture, reads it every few tens of milliseconds and stops it at the end (count, duration, Ctrl-C,
// or a reader that went away); tcpdump's closing counts go to stderr.
using System.Diagnostics;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Host.Capture;
using Hairpin.Host.Management;

namespace Hairpin.Host.Commands;

internal static class CaptureCommand
{
    public const string Usage =
        """
          capture dev NAME [vsi VSIID | mac MAC] [vlan VID] [in|out|both] [-c COUNT] [--duration SECONDS]
                  [--bytes N] [-s SNAPLEN] -w FILE.pcapng|- [FILTER...]
                        frames as the bridge saw them on a port, as pcapng (-w - : to stdout, for
                        wireshark -k -i - or tshark -r -); FILTER: tcpdump words (host, ether host,
                        vlan, port, tcp, udp, icmp, arp, ip, ip6, and/or/not), see specs/capture.md
        """;

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private const int FramesPerRead = 1024;

    public static void Run(Words words, CommandSession session)
    {
        CaptureRequest request = Parse(words);
        CaptureStarted started = session.Call<CaptureStarted>(ManagementCommands.CaptureStart, request.Args);
        using var interrupted = new CancellationTokenSource();
        ConsoleCancelEventHandler onCtrlC = (_, e) =>
        {
            e.Cancel = true;   // stop the capture and close the file properly, as tcpdump does
            interrupted.Cancel();
        };
        Console.CancelKeyPress += onCtrlC;
        long written = 0;
        long lost = 0;
        try
        {
            using Stream output = request.File == "-" ? Console.OpenStandardOutput() : File.Create(request.File);
            var writer = new PcapNgWriter(output, started.SnapLength, flushEveryBlock: false);   // flushed after each chunk read
            int interfaceId = writer.AddInterface(started.Port);
            writer.Flush();
            var clock = Stopwatch.StartNew();
            while (!interrupted.IsCancellationRequested && (request.Duration is not TimeSpan duration || clock.Elapsed < duration))
            {
                CaptureChunk chunk = session.Call<CaptureChunk>(ManagementCommands.CaptureRead, new CaptureReadArgs(started.Id, FramesPerRead));
                lost = chunk.Lost;
                foreach (CapturedFrameInfo frame in chunk.Frames)
                {
                    writer.WriteFrame(interfaceId, frame.UnixNanoseconds, frame.Data, frame.Outbound ? CaptureDirection.Outbound : CaptureDirection.Inbound,
                        frame.Dropped is { } reason ? $"dropped: {reason}" : null);
                    written++;
                }
                writer.Flush();
                if (chunk.Ended)
                {
                    break;
                }
                if (chunk.Frames.Count < FramesPerRead)
                {
                    interrupted.Token.WaitHandle.WaitOne(PollInterval);
                }
            }
        }
        catch (IOException)
        {
            // The reader went away (a closed pipe, a full disk): stop capturing, as tcpdump does.
        }
        finally
        {
            Console.CancelKeyPress -= onCtrlC;
            CaptureStopped stopped = session.Call<CaptureStopped>(ManagementCommands.CaptureStop, new CaptureStopArgs(started.Id));
            lost = Math.Max(lost, stopped.Lost);
            Console.Error.WriteLine($"{written} frames captured");
            Console.Error.WriteLine($"{lost} frames lost by the capture (a slow reader; forwarding lost none)");
        }
    }

    private sealed record CaptureRequest(CaptureStartArgs Args, string File, TimeSpan? Duration);

    private static CaptureRequest Parse(Words words)
    {
        if (!words.TryTake("dev"))
        {
            throw new UsageException("capture needs 'dev NAME'");
        }
        string port = words.ValueOf("dev");
        string? vsi = null;
        string? mac = null;
        int vid = 0;
        string direction = "both";
        long count = 0;
        long bytes = 0;
        int snapLength = CaptureSession.DefaultSnapLength;
        string? file = null;
        TimeSpan? duration = null;
        var filter = new List<string>();
        bool selecting = true;   // selector words come first; the first other word starts the filter
        while (!words.AtEnd)
        {
            string word = words.Take("a word");
            switch (word)
            {
                case "-w":
                    file = words.AtEnd ? throw new UsageException("-w needs a file name or -") : words.Take("file");
                    continue;
                case "-c":
                    count = long.TryParse(words.AtEnd ? null : words.Take("count"), out long frames) && frames > 0 ? frames : throw new UsageException("-c needs a count of frames (1 or more)");
                    continue;
                case "-s":
                    snapLength = int.TryParse(words.AtEnd ? null : words.Take("snaplen"), out int snap) && snap is >= 64 and <= 65_535 ? snap : throw new UsageException("-s needs a snap length of 64 to 65535 bytes");
                    continue;
                case "--bytes":
                    bytes = long.TryParse(words.AtEnd ? null : words.Take("bytes"), out long budget) && budget > 0 ? budget : throw new UsageException("--bytes needs a number of captured bytes (1 or more)");
                    continue;
                case "--duration":
                    duration = double.TryParse(words.AtEnd ? null : words.Take("seconds"), System.Globalization.CultureInfo.InvariantCulture, out double seconds) && seconds > 0
                        ? TimeSpan.FromSeconds(seconds)
                        : throw new UsageException("--duration needs a number of seconds");
                    continue;
            }
            if (selecting)
            {
                switch (word)
                {
                    case "vsi" when vsi is null && mac is null:
                        vsi = words.AtEnd ? throw new UsageException("vsi needs a VSIID") : words.Take("vsiid");
                        continue;
                    case "mac" when vsi is null && mac is null:
                        mac = Words.Mac(words.AtEnd ? "" : words.Take("mac"));
                        continue;
                    case "vlan" when vid == 0:
                        vid = Words.Vid(words.AtEnd ? "" : words.Take("vid"));
                        continue;
                    case "in" or "out" or "both":
                        direction = word;
                        continue;
                }
                selecting = false;
            }
            filter.Add(word);
        }
        if (file is null)
        {
            throw new UsageException("capture needs -w FILE.pcapng (or -w - for stdout)");
        }
        return new CaptureRequest(new CaptureStartArgs(port, vsi, mac, vid, direction, count, bytes, snapLength, filter.Count == 0 ? null : string.Join(' ', filter)), file, duration);
    }
}
