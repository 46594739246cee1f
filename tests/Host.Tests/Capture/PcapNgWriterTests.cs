// PcapNgWriter against the real readers: tshark 4.0 must read back every field written (interface name,
// direction, nanosecond time, lengths, comment, VLAN) without a warning, capinfos must read the whole
// file, and a tshark reading a pipe must see each frame while the writer is still writing.
using System.Diagnostics;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Capture;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Capture;

public sealed class PcapNgWriterTests
{
    /// <summary>Printed by Wireshark's tools whenever they run as root; it is about the user, not the file.</summary>
    private const string RootNotice = "Running as user \"root\" and group \"root\". This could be dangerous.";

    private static readonly string[] Fields =
    [
        "frame.interface_name", "frame.comment", "frame.len", "frame.cap_len", "frame.time_epoch",
        "eth.src", "vlan.id", "frame.packet_flags_direction",
    ];

    private sealed record Written(string Interface, string? Comment, int Size, int CapturedSize, long Nanoseconds,
        string Source, int? Vid, CaptureDirection Direction);

    [Fact(Timeout = 60_000)]
    public async Task TsharkReadsBackEveryFieldWrittenWithoutWarnings()
    {
        using ScratchDirectory scratch = ScratchDirectory.Create();
        string path = scratch.File("capture.pcapng");
        const int snapLength = 128;
        var written = new List<Written>();
        await using (var file = File.Create(path))
        {
            var writer = new PcapNgWriter(file, snapLength, flushEveryBlock: false);
            int uplink = writer.AddInterface("uplink0");
            int vm = writer.AddInterface("vm-web-01");

            void Write(int id, string name, long ns, byte[] frame, CaptureDirection direction, string? comment, string source, int? vid)
            {
                writer.WriteFrame(id, ns, frame, direction, comment);
                written.Add(new Written(name, comment, frame.Length, Math.Min(frame.Length, snapLength), ns, source, vid, direction));
            }

            Write(uplink, "uplink0", 1_764_870_000_123_456_789, new FrameBuilder().From("02:00:00:00:00:01")
                .Ipv4Udp(0x0A000001, 0x0A000002, 1234, 53).Build(), CaptureDirection.Inbound, null, "02:00:00:00:00:01", null);
            Write(vm, "vm-web-01", 1_764_870_000_123_456_790, new FrameBuilder().From("02:00:00:00:00:02").Tag(100)
                .Ipv4Udp(0x0A000002, 0x0A000001, 53, 1234).Build(), CaptureDirection.Outbound, null, "02:00:00:00:00:02", 100);
            Write(uplink, "uplink0", 1_764_870_001_000_000_001, new FrameBuilder().From("02:00:00:00:00:03").Tag(4094)
                .Ipv4Udp(0x0A000003, 0x0A000001, 9, 9).Build(), CaptureDirection.Inbound, "dropped: acl-denied", "02:00:00:00:00:03", 4094);
            // Longer than the snap length: stored cut to 128 bytes, its original length kept.
            Write(vm, "vm-web-01", 1_764_870_002_999_999_999, new FrameBuilder().From("02:00:00:00:00:04")
                .Ipv4Udp(0x0A000004, 0x0A000001, 7, 7, payloadSize: 1000).Build(), CaptureDirection.Outbound, null, "02:00:00:00:00:04", null);
            // A comment whose length is not a multiple of 4 and that is not ASCII: padding and UTF-8.
            Write(vm, "vm-web-01", 1_764_870_003_000_000_000, new FrameBuilder().From("02:00:00:00:00:05")
                .ArpRequest(0x0A000005, 0x0A000001).Build(), CaptureDirection.Inbound, "dropped: port-security — gesperrt", "02:00:00:00:00:05", null);
            writer.Flush();
        }

        var arguments = new List<string> { "-r", path, "-T", "fields", "-E", "separator=/t", "-E", "occurrence=f" };
        foreach (string field in Fields)
        {
            arguments.AddRange(["-e", field]);
        }
        ProcessRunner.Result tshark = await ProcessRunner.RunAsync("tshark", arguments);
        Assert.Equal("", WithoutRootNotice(tshark.Error));
        string[] lines = tshark.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(written.Count, lines.Length);
        for (int i = 0; i < written.Count; i++)
        {
            Written frame = written[i];
            string[] values = lines[i].Split('\t');
            Assert.Equal(Fields.Length, values.Length);
            Assert.Equal(frame.Interface, values[0]);
            Assert.Equal(frame.Comment ?? "", values[1]);
            Assert.Equal(frame.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), values[2]);
            Assert.Equal(frame.CapturedSize.ToString(System.Globalization.CultureInfo.InvariantCulture), values[3]);
            Assert.Equal(EpochText(frame.Nanoseconds), values[4]);
            Assert.Equal(frame.Source, values[5]);
            Assert.Equal(frame.Vid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", values[6]);
            Assert.Equal((int)frame.Direction, ParseFlagValue(values[7]));
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task CapinfosReadsTheWholeFileAsNanosecondPcapng()
    {
        using ScratchDirectory scratch = ScratchDirectory.Create();
        string path = scratch.File("capture.pcapng");
        const int frameCount = 1000;
        await using (var file = File.Create(path))
        {
            var writer = new PcapNgWriter(file, flushEveryBlock: false);
            int[] ports = [writer.AddInterface("p1"), writer.AddInterface("p2"), writer.AddInterface("p3")];
            for (int i = 0; i < frameCount; i++)
            {
                byte[] frame = new FrameBuilder().Ipv4Udp(0x0A000001, 0x0A000002, 1000, (ushort)i, payloadSize: i % 97).Build();
                writer.WriteFrame(ports[i % 3], 1_764_870_000_000_000_000 + i, frame, (CaptureDirection)(1 + (i % 2)),
                    i % 10 == 0 ? $"dropped: reason-{i}" : null);
            }
            writer.Flush();
        }

        ProcessRunner.Result capinfos = await ProcessRunner.RunAsync("capinfos", ["-t", "-c", "-M", "-I", path]);
        Assert.Equal("", WithoutRootNotice(capinfos.Error));
        Assert.Contains("pcapng", capinfos.Output, StringComparison.Ordinal);
        Assert.Matches(@"Number of packets:\s+1000\b", capinfos.Output);
        Assert.Matches(@"Number of interfaces in file: 3\b", capinfos.Output);
        Assert.Matches(@"Time precision = nanoseconds \(9\)", capinfos.Output);
    }

    [Fact(Timeout = 60_000)]
    public async Task TsharkReadingAPipeSeesEachFrameBeforeTheNextIsWritten()
    {
        string errors = await StreamThreeFramesIntoAsync(["-l", "-r", "-", "-T", "fields", "-e", "frame.comment"]);
        Assert.Equal("", WithoutRootNotice(errors));
    }

    /// <summary>`hairpin capture ... -w - | wireshark -k -i -`: dumpcap capturing from a pipe, which reads pcapng block by block.</summary>
    [Fact(Timeout = 60_000)]
    public async Task TsharkCapturingFromAPipeAsWiresharkDoesShowsEachFrameAsItComes()
    {
        string errors = await StreamThreeFramesIntoAsync(["-l", "-i", "-", "-T", "fields", "-e", "frame.comment"]);
        Assert.Contains("3 packets captured", errors, StringComparison.Ordinal);
    }

    /// <summary>Writes three frames to a tshark's stdin, each only after tshark printed the one before; returns its stderr.</summary>
    private static async Task<string> StreamThreeFramesIntoAsync(string[] arguments)
    {
        var start = new ProcessStartInfo("tshark")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var tshark = Process.Start(start) ?? throw new InvalidOperationException("could not start tshark");
        Task<string> errors = tshark.StandardError.ReadToEndAsync();
        try
        {
            var writer = new PcapNgWriter(tshark.StandardInput.BaseStream);
            int port = writer.AddInterface("p1");
            for (int i = 0; i < 3; i++)
            {
                // The pipe stays open: tshark can only print this frame if its block has already arrived.
                writer.WriteFrame(port, 1_764_870_000_000_000_000 + i, new FrameBuilder().Build(), CaptureDirection.Inbound, $"frame {i}");
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                string? line = await tshark.StandardOutput.ReadLineAsync(limit.Token);
                Assert.Equal($"frame {i}", line);
            }
            tshark.StandardInput.Close();
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await tshark.WaitForExitAsync(exit.Token);
            Assert.Equal(0, tshark.ExitCode);
            return await errors;
        }
        finally
        {
            if (!tshark.HasExited)
            {
                tshark.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public void WritingAFrameAllocatesNothing()
    {
        var writer = new PcapNgWriter(Stream.Null, flushEveryBlock: false);
        int port = writer.AddInterface("p1");
        byte[] frame = new FrameBuilder().Tag(7).Ipv4Udp(1, 2, 3, 4, payloadSize: 300).Build();
        writer.WriteFrame(port, 1, frame, CaptureDirection.Inbound, "dropped: warm-up");   // sizes the buffer
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            writer.WriteFrame(port, i, frame, CaptureDirection.Outbound, i % 2 == 0 ? "dropped: acl-denied" : null);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BlocksAreLittleEndianPaddedAndCarryTheirTotalLengthAtBothEnds()
    {
        using var output = new MemoryStream();
        var writer = new PcapNgWriter(output);
        int port = writer.AddInterface("abcde");
        writer.WriteFrame(port, 5, new byte[61], CaptureDirection.Inbound, "x");
        byte[] bytes = output.ToArray();
        var types = new List<uint>();
        for (int at = 0; at < bytes.Length;)
        {
            uint type = BitConverter.ToUInt32(bytes, at);
            int size = (int)BitConverter.ToUInt32(bytes, at + 4);
            Assert.Equal(0, size % 4);
            Assert.Equal(size, (int)BitConverter.ToUInt32(bytes, at + size - 4));
            types.Add(type);
            at += size;
        }
        Assert.Equal([0x0A0D0D0Au, 1u, 6u], types);
        Assert.Equal(0x1A2B3C4Du, BitConverter.ToUInt32(bytes, 8));
    }

    [Fact]
    public void ACommentTooLongForAnOptionIsCutAtACharacterBoundaryAndAnEmptyOneIsLeftOut()
    {
        using var output = new MemoryStream();
        var writer = new PcapNgWriter(output);
        int port = writer.AddInterface("p1");
        long headerSize = output.Length;
        writer.WriteFrame(port, 1, new byte[60], CaptureDirection.Inbound, "");
        int withoutComment = (int)(output.Length - headerSize);
        writer.WriteFrame(port, 2, new byte[60], CaptureDirection.Inbound, new string('\u00e9', 40_000));   // 80000 bytes of UTF-8
        byte[] bytes = output.ToArray();

        Assert.Equal(8 + 20 + 60 + 8 + 4 + 4, withoutComment);   // header, fixed fields, frame, flags, end, trailer
        int epb = (int)headerSize + withoutComment;
        int options = epb + 8 + 20 + 60 + 8;   // past the flags option
        Assert.Equal(1, BitConverter.ToUInt16(bytes, options));   // opt_comment
        int commentSize = BitConverter.ToUInt16(bytes, options + 2);
        Assert.Equal(65534, commentSize);   // 32767 two-byte characters: half of the next would not fit in 65535
        string comment = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, options + 4, commentSize);
        Assert.Equal(new string('\u00e9', 32767), comment);
        int size = (int)BitConverter.ToUInt32(bytes, epb + 4);
        Assert.Equal(bytes.Length - epb, size);
        Assert.Equal(size, (int)BitConverter.ToUInt32(bytes, epb + size - 4));
    }

    [Fact]
    public void AFrameForAnInterfaceNotYetDescribedIsRefused()
    {
        var writer = new PcapNgWriter(Stream.Null);
        writer.AddInterface("p1");
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.WriteFrame(1, 0, new byte[60], CaptureDirection.Inbound));
    }

    private static string EpochText(long nanoseconds) =>
        $"{nanoseconds / 1_000_000_000}.{nanoseconds % 1_000_000_000:D9}";

    /// <summary>tshark prints a masked flag field in hex ("0x00000001") or decimal depending on the field's base.</summary>
    private static int ParseFlagValue(string text) =>
        text.StartsWith("0x", StringComparison.Ordinal)
            ? Convert.ToInt32(text[2..], 16)
            : int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static string WithoutRootNotice(string error) =>
        string.Join('\n', error.Split('\n').Where(line => line.Trim().Length > 0 && line.Trim() != RootNotice));
}
