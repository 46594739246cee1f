// Mirroring sessions with real peers: pings between two namespaces through the appliance, mirrored to
// a third. SPAN (added live by the CLI): the analyzer's tcpdump sees exactly the mirrored frames, byte
// for byte as host A sent and got them, and nothing else. RSPAN (from the file): the same frames
// tagged with the RSPAN VLAN. ERSPAN type II and III: tshark at the collector decodes erspan over GRE,
// no malformed packets, and each inner frame is the source's. A file ring: pcapng files rotated by
// size and count, which tshark reads. Root only (CI runs as root).
using System.Globalization;
using System.Text.Json;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.RealPeers;

[Collection(RealPeerTestGroup.Name)]
public sealed class MirroringTests
{
    private const int Pings = 5;

    [Fact]
    public async Task ASpanSessionAddedLiveSendsTheAnalyzerExactlyWhatHostASentAndGot()
    {
        using var scratch = ScratchDirectory.Create();
        await using MirrorLab lab = await MirrorLab.StartAsync();
        string atAnalyzer = scratch.File("analyzer.pcap");
        string atA = scratch.File("a.pcap");
        Task<ProcessRunner.Result> analyzer = MirrorLab.CaptureAsync(lab.Analyzer, "eth0", atAnalyzer, 6);
        Task<ProcessRunner.Result> hostA = MirrorLab.CaptureAsync(lab.HostA, "eth0", atA, 6, direction: "inout");
        await Task.Delay(TimeSpan.FromSeconds(1.5));   // tcpdump attaching
        var (exit, output, error) = lab.Appliance.Cli("monitor", "add", "s1", "source", "dev", "p1", "both", "destination", "dev", "mon");
        Assert.True(exit == 0, $"{output}{error}");

        int replies = await NetLab.PingAsync(lab.HostA, MirrorLab.AddressB, count: Pings);
        await Task.WhenAll(analyzer, hostA);

        Assert.Equal(Pings, replies);
        List<byte[]> mirrored = PcapFile.Frames(atAnalyzer);
        List<byte[]> sourceFrames = Ipv4(PcapFile.Frames(atA));   // A also hears the bridge's loop probes, which no port mirrors
        Assert.Equal(2 * Pings, sourceFrames.Count);
        Assert.True(mirrored.Count == 2 * Pings, $"the analyzer got {mirrored.Count} frames{lab.Diagnostics()}");
        Assert.Equal(sourceFrames, mirrored);   // requests as received on p1, replies as sent out of it, in that order
        Assert.Equal(2L * Pings, MirroredBy(lab, "s1"));
    }

    [Fact]
    public async Task AnRspanSessionFromTheFileTagsEachCopyWithItsVlan()
    {
        using var scratch = ScratchDirectory.Create();
        await using MirrorLab lab = await MirrorLab.StartAsync(bridgeSettings:
            """
            monitor_sessions:
              - name: r1
                sources: [ { port: p1, direction: rx } ]
                destination: { port: mon, rspan_vlan: 999 }
            """);
        string atAnalyzer = scratch.File("analyzer.pcap");
        string atA = scratch.File("a.pcap");
        Task<ProcessRunner.Result> analyzer = MirrorLab.CaptureAsync(lab.Analyzer, "eth0", atAnalyzer, 6);
        Task<ProcessRunner.Result> hostA = MirrorLab.CaptureAsync(lab.HostA, "eth0", atA, 6, direction: "out");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(Pings, await NetLab.PingAsync(lab.HostA, MirrorLab.AddressB, count: Pings));
        await Task.WhenAll(analyzer, hostA);

        string[] fields = await MirrorLab.TsharkAsync(atAnalyzer, "-T", "fields", "-e", "vlan.id", "-e", "icmp.type");
        Assert.True(fields.Length == Pings, $"{string.Join('\n', fields)}{lab.Diagnostics()}");
        Assert.All(fields, line => Assert.Equal("999\t8", line));   // echo requests, as p1 received them, in VLAN 999
        List<byte[]> sent = Ipv4(PcapFile.Frames(atA));
        Assert.Equal(sent, PcapFile.Frames(atAnalyzer).Select(tagged => (byte[])[.. tagged[..12], .. tagged[16..]]));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task AnErspanCollectorDecodesEachCopyAndItsInnerFrameIsTheSources(int type)
    {
        using var scratch = ScratchDirectory.Create();
        await using MirrorLab lab = await MirrorLab.StartAsync();
        string atCollector = scratch.File("collector.pcap");
        string atA = scratch.File("a.pcap");
        Task<ProcessRunner.Result> collector = MirrorLab.CaptureAsync(lab.Analyzer, "eth0", atCollector, 6);
        Task<ProcessRunner.Result> hostA = MirrorLab.CaptureAsync(lab.HostA, "eth0", atA, 6, direction: "inout");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var (exit, output, error) = lab.Appliance.Cli("monitor", "add", "e1", "source", "dev", "p1", "destination", "dev", "mon",
            "erspan", type.ToString(CultureInfo.InvariantCulture), "id", "100", "dst", MirrorLab.CollectorAddress, "src", MirrorLab.OriginAddress, "mac", MirrorLab.AnalyzerMac);
        Assert.True(exit == 0, $"{output}{error}");

        Assert.Equal(Pings, await NetLab.PingAsync(lab.HostA, MirrorLab.AddressB, count: Pings));
        await Task.WhenAll(collector, hostA);

        string[] decoded = await MirrorLab.TsharkAsync(atCollector, "-Y", "erspan", "-T", "fields",
            "-e", "ip.src", "-e", "ip.dst", "-e", "gre.proto", "-e", "erspan.version", "-e", "erspan.spanid", "-e", "icmp.type");
        Assert.True(decoded.Length == 2 * Pings, $"{string.Join('\n', decoded)}{lab.Diagnostics()}");
        string greProtocol = type == 2 ? "0x88be" : "0x22eb";
        string version = type == 2 ? "1" : "2";
        string described = string.Join('\n', decoded);
        // Outer addresses first, then the inner frame's: tshark lists both layers' ip.src and ip.dst.
        string request = $"{MirrorLab.OriginAddress},{MirrorLab.AddressA}\t{MirrorLab.CollectorAddress},{MirrorLab.AddressB}\t{greProtocol}\t{version}\t100\t8";
        string reply = $"{MirrorLab.OriginAddress},{MirrorLab.AddressB}\t{MirrorLab.CollectorAddress},{MirrorLab.AddressA}\t{greProtocol}\t{version}\t100\t0";
        Assert.True(decoded.Count(line => line == request) == Pings, described);
        Assert.True(decoded.Count(line => line == reply) == Pings, described);
        Assert.Empty(await MirrorLab.TsharkAsync(atCollector, "-Y", "_ws.malformed || _ws.expert.severity == error"));
        if (type == 3)
        {
            string[] directions = await MirrorLab.TsharkAsync(atCollector, "-Y", "erspan", "-T", "fields", "-e", "erspan.direction", "-e", "icmp.type");
            Assert.Equal(Pings, directions.Count(line => line is "0\t8" or "False\t8"));   // requests mirrored on their way in
            Assert.Equal(Pings, directions.Count(line => line is "1\t0" or "True\t0"));    // replies on their way out
        }
        int headerSize = type == 2 ? 50 : 54;
        Assert.Equal(Ipv4(PcapFile.Frames(atA)), PcapFile.Frames(atCollector).Where(frame => frame.Length > headerSize && frame[23] == 47).Select(frame => frame[headerSize..]));
    }

    [Fact]
    public async Task AFileRingKeepsTheNewestFilesAndTsharkReadsThem()
    {
        using var scratch = ScratchDirectory.Create();
        string ring = scratch.File("ring.pcapng");
        await using MirrorLab lab = await MirrorLab.StartAsync(bridgeSettings:
            $"""
            monitor_sessions:
              - name: f1
                sources: [ {"{"} port: p1 {"}"} ]
                destination: {"{"} file: {ring}, file_size: 64k, file_count: 3, snap_length: 512 {"}"}
            """);
        const int count = 300;

        await NetLab.InAsync(lab.HostA, ["ping", "-n", "-q", "-c", count.ToString(CultureInfo.InvariantCulture), "-i", "0.01", "-s", "1000", "-W", "1", MirrorLab.AddressB],
            check: false, timeout: TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(() => MirroredBy(lab, "f1") >= 2 * count - 4, "the copies mirrored", TimeSpan.FromSeconds(10));
        await Task.Delay(TimeSpan.FromMilliseconds(500));   // the service writes the ring out every 100 ms

        string[] files = [.. Directory.GetFiles(scratch.Path, "ring-*.pcapng").Order(StringComparer.Ordinal)];
        Assert.True(files.Length == 3, $"{string.Join(", ", files)}{lab.Diagnostics()}");
        int[] sequence = [.. files.Select(file => int.Parse(Path.GetFileNameWithoutExtension(file)["ring-".Length..], CultureInfo.InvariantCulture))];
        Assert.True(sequence[0] > 1, "the oldest files were deleted");
        Assert.Equal([sequence[0], sequence[0] + 1, sequence[0] + 2], sequence);
        foreach (string file in files)
        {
            string[] frames = await MirrorLab.TsharkAsync(file, "-T", "fields", "-e", "frame.cap_len", "-e", "frame.len", "-e", "icmp.type");
            Assert.NotEmpty(frames);
            Assert.All(frames, line => Assert.Matches(@"^512\t1042\t(0|8)$", line));   // cut to the snap length, the length on the wire kept
            Assert.Empty(await MirrorLab.TsharkAsync(file, "-Y", "_ws.malformed || _ws.expert.severity == error"));
        }
        Assert.True(new FileInfo(files[0]).Length >= 64 * 1024, "a file is closed once it holds file_size");
    }

    private static List<byte[]> Ipv4(List<byte[]> frames) => [.. frames.Where(frame => frame.Length > 14 && frame[12] == 0x08 && frame[13] == 0x00)];

    private static long MirroredBy(MirrorLab lab, string session)
    {
        var (exit, output, error) = lab.Appliance.Cli("--json", "monitor", "show", session);
        Assert.True(exit == 0, $"{output}{error}");
        using JsonDocument json = JsonDocument.Parse(output);
        return json.RootElement[0].GetProperty("mirrored").GetInt64();
    }
}
