// `hairpin mvrp show` end to end: the real CLI, a real socket and server, an in-memory bridge's MVRP
// records; and a program that runs no MVRP.
using System.Text.Json;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Management;

public sealed class MvrpCommandTests
{
    [Fact]
    public async Task Mvrp_show_prints_a_summary_and_an_attribute_table_per_port()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("mvrp", "show");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Infrastructure.Golden.Verify(output);
    }

    [Fact]
    public async Task Mvrp_with_no_verb_shows_and_dev_selects_one_port()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("mvrp", "show", "dev", "vm1");
        (int bareExit, string bare, _) = bridge.Run("mvrp");

        Assert.Equal((0, ""), (exit, error));
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal("vm1: registrar fixed, max-vids 1024", lines[0]);
        Assert.DoesNotContain(lines, line => line.StartsWith("uplink", StringComparison.Ordinal));
        Assert.Contains("   10  qa         in                   -", lines);
        Assert.Equal(0, bareExit);
        Assert.Contains("uplink: registrar normal, max-vids 1024", bare.Split('\n'));
        Assert.StartsWith(output, bare, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mvrp_show_json_prints_the_records_as_the_protocol_carries_them()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, _) = bridge.Run("mvrp", "show", "dev", "uplink", "--json");

        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement uplink = Assert.Single(json.RootElement.EnumerateArray().ToList());
        Assert.Equal(("uplink", "normal", 1024), (uplink.GetProperty("port").GetString(), uplink.GetProperty("registrar").GetString(), uplink.GetProperty("maxVids").GetInt32()));
        Assert.Equal([40, 41, 42], uplink.GetProperty("dynamic").EnumerateArray().Select(vid => vid.GetInt32()));
        JsonElement leaving = uplink.GetProperty("attributes")[6];
        Assert.Equal((42, "lo", "lv", 0.35), (leaving.GetProperty("vid").GetInt32(), leaving.GetProperty("applicant").GetString(), leaving.GetProperty("registrar").GetString(), leaving.GetProperty("leaveTimer").GetDouble()));
        Assert.Equal(JsonValueKind.Null, uplink.GetProperty("attributes")[0].GetProperty("leaveTimer").ValueKind);
        JsonElement counters = uplink.GetProperty("counters");
        Assert.Equal(2, counters.GetProperty("malformed").GetProperty("truncated").GetInt64());
        Assert.Equal(2, counters.GetProperty("registrationsRefused").GetInt64());
        Assert.Equal(7.3, uplink.GetProperty("timers").GetProperty("nextLeaveAll").GetDouble());
    }

    [Fact]
    public async Task Mvrp_show_of_an_unknown_port_exits_1()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("mvrp", "show", "dev", "vm9");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal("hairpin mvrp: cannot find device \"vm9\"", ErrorLine.Single(error));
    }

    [Fact]
    public async Task Mvrp_show_says_when_no_port_runs_mvrp_and_json_prints_an_empty_list()
    {
        await using var bridge = ManagementFixture.Start();
        bridge.Control.Mvrp = [];

        (int exit, string output, string error) = bridge.Run("mvrp", "show");
        (int jsonExit, string json, _) = bridge.Run("mvrp", "show", "--json");

        Assert.Equal((0, "no port runs MVRP\n", ""), (exit, output, error));
        Assert.Equal(0, jsonExit);
        Assert.Equal("[]", json.Trim());
    }

    [Fact]
    public async Task Mvrp_show_dev_of_a_known_port_without_mvrp_says_it_does_not_run_it()
    {
        await using var bridge = ManagementFixture.Start();
        bridge.Control.Mvrp = [.. bridge.Control.Mvrp.Where(port => port.Port == "uplink")];

        (int exit, string output, _) = bridge.Run("mvrp", "show", "dev", "vm1");

        Assert.Equal((0, "port vm1 does not run MVRP\n"), (exit, output));
    }

    [Theory]
    [InlineData("frob")]
    [InlineData("show", "dev")]
    [InlineData("show", "vm1")]
    public async Task Mvrp_with_bad_words_is_a_usage_error(params string[] words)
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run(["mvrp", .. words]);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.EndsWith("(try 'hairpin --help')", ErrorLine.Single(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_program_without_mvrp_answers_that_the_command_is_not_supported()
    {
        // The dumb vswitch runs no MVRP: it offers no IMvrpControl.
        string directory = ManagementFixture.NewDirectory();
        try
        {
            await using ManagementServer server = ManagementServer.Start(new PortsAndStatsOnly(), new ManagementConfig { Socket = Path.Combine(directory, "bridge.sock") });

            (int exit, string output, string error) = ManagementFixture.RunCli(["--socket", server.SocketPath, "mvrp", "show"]);

            Assert.Equal(1, exit);
            Assert.Equal("", output);
            Assert.Equal("hairpin mvrp: 'mvrp.show' is not supported by this server", ErrorLine.Single(error));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);   // a test removes what it made (tests/run-all.sh checks)
        }
    }

    /// <summary>The surface every program has, and no capability beyond it.</summary>
    private sealed class PortsAndStatsOnly : IBridgeControl
    {
        public Task<IReadOnlyList<PortInfo>> ListPortsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<PortInfo>>([]);

        public Task<BridgeStats> StatsAsync(CancellationToken cancellationToken) => Task.FromResult(new BridgeStats([], []));
    }
}
