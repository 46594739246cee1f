// `hairpin capture` against a real appliance (KernelVepaLab: VMs A and B behind the kernel's VEPA on
// hv1, host C on hv2): pings captured on a port in both directions as pcapng that tshark reads
// without a warning, with the port as interface name and the direction in each packet's flags;
// frames the bridge dropped carry the reason as a packet comment; `-w -` streams into `tshark -r -`;
// selectors and filters narrow what is taken; mistakes are clear errors. Root only.
using System.Globalization;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Tests.RealPeers;

namespace Hairpin.Host.Tests.Capture;

[Collection(RealPeerTestGroup.Name)]
public sealed class CaptureCommandTests
{
    private const string RootNotice = "Running as user \"root\" and group \"root\". This could be dangerous.";
    private const int Inbound = 1;
    private const int Outbound = 2;

    [Fact]
    public async Task PingsThroughAPortAreCapturedBothWaysAsPcapngThatTsharkReadsWithoutAWarning()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync();
        using ScratchDirectory scratch = ScratchDirectory.Create();
        string file = Path.Combine(scratch.Path, "hv2.pcapng");

        Task<(int Exit, string Output, string Error)> capture = Task.Run(() => lab.Appliance.Cli("capture", "dev", "hv2", "-c", "6", "-w", file, "icmp"));
        await Task.Delay(TimeSpan.FromSeconds(1));
        await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC, count: 3);
        (int exit, _, string error) = await capture.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(exit == 0, error);
        (List<string[]> rows, string warnings) = await ReadAsync(file, "frame.interface_name", "frame.packet_flags_direction", "icmp.type", "eth.src", "eth.dst");
        Assert.Equal("", warnings);
        Assert.Equal(6, rows.Count);
        Assert.All(rows, row => Assert.Equal("hv2", row[0]));
        string[][] requests = [.. rows.Where(row => row[2] == "8")];
        string[][] replies = [.. rows.Where(row => row[2] == "0")];
        Assert.Equal(3, requests.Length);
        Assert.Equal(3, replies.Length);
        Assert.All(requests, row => Assert.Equal((Outbound, KernelVepaLab.MacA, KernelVepaLab.MacC), (Flag(row[1]), row[3], row[4])));   // leaving by hv2 towards C
        Assert.All(replies, row => Assert.Equal((Inbound, KernelVepaLab.MacC, KernelVepaLab.MacA), (Flag(row[1]), row[3], row[4])));    // arriving from C
    }

    [Fact]
    public async Task AFrameTheBridgeDroppedCarriesTheReasonAsAPacketComment()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync(
            hv1Settings: "    ingress_acl: a-not-c",
            bridgeSettings: $"""
                acls:
                  - name: a-not-c
                    default: permit
                    rules:
                      - name: a-not-c
                        action: deny
                        src_mac: {KernelVepaLab.MacA}
                        dst_mac: {KernelVepaLab.MacC}
                """);
        await NetLab.Ip("-n", lab.VmA, "neigh", "replace", KernelVepaLab.AddressC, "lladdr", KernelVepaLab.MacC, "dev", "eth0", "nud", "permanent");
        using ScratchDirectory scratch = ScratchDirectory.Create();
        string file = Path.Combine(scratch.Path, "hv1.pcapng");

        Task<(int Exit, string Output, string Error)> capture = Task.Run(() => lab.Appliance.Cli("capture", "dev", "hv1", "in", "-c", "2", "-w", file, "icmp"));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(0, await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC, count: 2));
        (int exit, _, string error) = await capture.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(exit == 0, error);
        (List<string[]> rows, string warnings) = await ReadAsync(file, "frame.comment", "frame.packet_flags_direction", "eth.src");
        Assert.Equal("", warnings);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, row => Assert.Equal(("dropped: acl-denied", Inbound, KernelVepaLab.MacA), (row[0], Flag(row[1]), row[2])));
    }

    [Fact]
    public async Task WritingToStdoutStreamsIntoTsharkAndAMacSelectorTakesOnlyThatHostsFrames()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync(hv1Settings: "    hairpin: true");
        await NetLab.Ip("-n", lab.VmA, "neigh", "replace", KernelVepaLab.AddressB, "lladdr", KernelVepaLab.MacB, "dev", "eth0", "nud", "permanent");
        await NetLab.Ip("-n", lab.VmB, "neigh", "replace", KernelVepaLab.AddressA, "lladdr", KernelVepaLab.MacA, "dev", "eth0", "nud", "permanent");
        string hairpin = Path.Combine(AppContext.BaseDirectory, "hairpin.dll");
        string pipeline = $"dotnet {hairpin} --socket {lab.Appliance.Socket} capture dev hv1 mac {KernelVepaLab.MacB} --duration 8 -w - "
            + "| tshark -l -r - -T fields -e frame.packet_flags_direction -e eth.src -e eth.dst -e icmp.type";

        Task<ProcessRunner.Result> streamed = ProcessRunner.RunAsync("bash", ["-c", pipeline], check: false, timeout: TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3));   // the CLI process starting and its capture running
        Assert.Equal(2, await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressB, count: 2));   // hairpin: both VMs behind hv1
        await NetLab.PingAsync(lab.VmA, KernelVepaLab.AddressC, count: 2);                    // not B's: not taken
        ProcessRunner.Result result = await streamed;

        Assert.True(result.ExitCode == 0, result.Error);
        List<string[]> rows = [.. result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t'))];
        Assert.All(rows, row => Assert.True(row[1] == KernelVepaLab.MacB || row[2] == KernelVepaLab.MacB, string.Join(' ', row)));
        // Each request to B is seen arriving from A and leaving towards B, each reply arriving from B and leaving towards A.
        Assert.Equal(4, rows.Count(row => row[3] == "8"));
        Assert.Equal(4, rows.Count(row => row[3] == "0"));
        Assert.Equal(2, rows.Count(row => row[3] == "8" && Flag(row[0]) == Outbound));
        Assert.Contains("frames captured", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownPortAFilterWordItDoesNotKnowAndAMissingFileAreClearErrors()
    {
        await using KernelVepaLab lab = await KernelVepaLab.StartAsync();

        (int unknownExit, _, string unknownError) = lab.Appliance.Cli("capture", "dev", "nosuch", "-w", "/dev/null");
        (int filterExit, _, string filterError) = lab.Appliance.Cli("capture", "dev", "hv1", "-w", "/dev/null", "portrange", "1-100");
        (int fileExit, _, string fileError) = lab.Appliance.Cli("capture", "dev", "hv1", "icmp");

        Assert.Equal((1, true), (unknownExit, unknownError.Contains("nosuch", StringComparison.Ordinal)));
        Assert.Equal((1, true), (filterExit, filterError.Contains("portrange", StringComparison.Ordinal)));
        Assert.Equal((2, true), (fileExit, fileError.Contains("-w", StringComparison.Ordinal)));
    }

    private static int Flag(string text) =>
        text.StartsWith("0x", StringComparison.Ordinal) ? Convert.ToInt32(text[2..], 16) : int.Parse(text, CultureInfo.InvariantCulture);

    private static async Task<(List<string[]> Rows, string Warnings)> ReadAsync(string file, params string[] fields)
    {
        List<string> arguments = ["-r", file, "-T", "fields"];
        foreach (string field in fields)
        {
            arguments.AddRange(["-e", field]);
        }
        ProcessRunner.Result result = await ProcessRunner.RunAsync("tshark", arguments, check: false);
        Assert.True(result.ExitCode == 0, result.Error);
        string warnings = string.Join('\n', result.Error.Split('\n').Where(line => line.Trim().Length > 0 && line.Trim() != RootNotice));
        return ([.. result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t'))], warnings);
    }
}
