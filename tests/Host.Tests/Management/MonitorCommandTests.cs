// `hairpin monitor show|add|del`: the words of `add` reach the server as the session the file would
// describe (each destination kind), `show` prints one row per session with its notes, `del` names the
// session, and mistakes in the words are usage errors (exit 2) before anything is sent.
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Management;

public sealed class MonitorCommandTests
{
    [Fact]
    public async Task Monitor_add_sends_each_destination_kind_as_the_file_would_describe_it()
    {
        await using var bridge = ManagementFixture.Start();

        Assert.Equal(0, bridge.Run("monitor", "add", "s1", "source", "dev", "vm1", "rx", "source", "vsi", "6f1c2a3b-0000-4000-8000-000000000001", "destination", "dev", "analyzer").Exit);
        Assert.Equal(0, bridge.Run("monitor", "add", "r1", "source", "dev", "vm1", "tx", "destination", "dev", "trunk", "rspan-vlan", "999").Exit);
        Assert.Equal(0, bridge.Run("monitor", "add", "e1", "source", "dev", "vm1", "destination", "dev", "uplink", "erspan", "iii",
            "id", "100", "dst", "192.0.2.10", "src", "192.0.2.1", "mac", "02:00:00:00:00:10", "ttl", "16").Exit);
        Assert.Equal(0, bridge.Run("monitor", "add", "f1", "destination", "file", "/var/tmp/f.pcapng", "size", "1m", "count", "3", "snap", "128").Exit);

        Assert.Equal(
            [
                new MonitorSessionConfig("s1", [new MonitorSourceConfig("vm1", null, MonitorDirection.Rx), new MonitorSourceConfig(null, "6f1c2a3b-0000-4000-8000-000000000001")], new MonitorDestinationConfig { Port = "analyzer" }),
                new MonitorSessionConfig("r1", [new MonitorSourceConfig("vm1", null, MonitorDirection.Tx)], new MonitorDestinationConfig { Port = "trunk", RspanVlan = 999 }),
                new MonitorSessionConfig("e1", [new MonitorSourceConfig("vm1")], new MonitorDestinationConfig
                {
                    Port = "uplink",
                    Erspan = new ErspanConfig(3, 100, "192.0.2.10", "192.0.2.1", "02:00:00:00:00:10") { Ttl = 16 },
                }),
                new MonitorSessionConfig("f1", [], new MonitorDestinationConfig { File = "/var/tmp/f.pcapng", FileSize = 1024 * 1024, FileCount = 3, SnapLength = 128 }),
            ],
            bridge.Control.MonitorAdds.Select(session => session with { Sources = [.. session.Sources] }),
            new SessionComparer());
    }

    [Fact]
    public async Task Monitor_show_prints_a_row_per_session_and_its_notes()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("monitor", "show");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("SESSION", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^web\s+config\s+vm1 both\s+span to analyzer\s+1200\s+96000\s+queue-full 3$", lines[1]);
        Assert.Matches(@"^ring\s+live\s+vsi 6f1c2a3b-0000-4000-8000-000000000001 rx\s+file /var/tmp/r.pcapng \(ring of 5 x 10485760 bytes\)\s+0\s+0\s+0$", lines[2]);
        Assert.Equal("  ring: vsi 6f1c2a3b-0000-4000-8000-000000000001 is not associated on this bridge: nothing is mirrored for it until it is", lines[3]);
    }

    [Fact]
    public async Task Monitor_del_names_the_session_and_an_unknown_one_exits_1()
    {
        await using var bridge = ManagementFixture.Start();

        Assert.Equal(0, bridge.Run("monitor", "del", "web").Exit);
        (int exit, _, string error) = bridge.Run("monitor", "del", "nope");

        Assert.Equal(["web"], bridge.Control.MonitorDeletes);
        Assert.Equal(1, exit);
        Assert.Equal("hairpin monitor: no monitor session named 'nope'", ErrorLine.Single(error));
    }

    [Theory]
    [InlineData("destination is missing", "add", "s1", "source", "dev", "vm1")]
    [InlineData("rx", "add", "s1", "source", "dev", "vm1", "in", "destination", "dev", "mon")]
    [InlineData("erspan needs id, dst, src and mac", "add", "e", "destination", "dev", "mon", "erspan", "2", "id", "1")]
    [InlineData("'10.0.0' is not an IPv4 address", "add", "e", "destination", "dev", "mon", "erspan", "2", "dst", "10.0.0")]
    [InlineData("vlan: '5000' is not a VLAN ID (1-4094)", "add", "r", "destination", "dev", "mon", "rspan-vlan", "5000")]
    [InlineData("unknown file setting 'files'", "add", "f", "destination", "file", "/tmp/x", "files", "3")]
    public async Task Mistakes_in_the_words_are_usage_errors(string expected, params string[] words)
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, _, string error) = bridge.Run(["monitor", .. words]);

        Assert.Equal(2, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Empty(bridge.Control.MonitorAdds);
    }

    /// <summary>Records compare lists by reference: compare sessions by their contents.</summary>
    private sealed class SessionComparer : IEqualityComparer<MonitorSessionConfig>
    {
        public bool Equals(MonitorSessionConfig? x, MonitorSessionConfig? y) =>
            x is not null && y is not null && x.Name == y.Name && x.Sources.SequenceEqual(y.Sources) && x.Destination == y.Destination;

        public int GetHashCode(MonitorSessionConfig obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
