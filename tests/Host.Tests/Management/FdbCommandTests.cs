// `hairpin fdb show|add|del` end to end.
using System.Text.Json;
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Management;

public sealed class FdbCommandTests
{
    [Fact]
    public async Task Fdb_show_prints_one_bridge_style_line_per_entry()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("fdb", "show");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Infrastructure.Golden.Verify(output);
    }

    [Fact]
    public async Task Fdb_show_passes_the_dev_and_vlan_filter_to_the_bridge()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, _) = bridge.Run("fdb", "show", "dev", "uplink", "vlan", "20", "--json");

        Assert.Equal(0, exit);
        Assert.Equal(new FdbFilter("uplink", 20), Assert.Single(bridge.Control.FdbQueries));
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement entry = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("sticky", entry.GetProperty("kind").GetString());
        Assert.Equal(300, entry.GetProperty("ageSeconds").GetInt64());
    }

    [Fact]
    public async Task Fdb_add_sends_the_normalised_mac_port_vlan_and_kind()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("fdb", "add", "52:54:00:AB:0:1", "dev", "vm1", "vlan", "10", "sticky");

        Assert.Equal(0, exit);
        Assert.Equal("", output + error);
        Assert.Equal(new FdbEntryChange("52:54:00:ab:00:01", "vm1", 10, FdbKind.Sticky), Assert.Single(bridge.Control.FdbAdds));
    }

    [Fact]
    public async Task Fdb_add_without_a_vlan_leaves_the_choice_of_pvid_to_the_bridge_and_defaults_to_static()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, _, _) = bridge.Run("fdb", "add", "52:54:00:00:00:09", "dev", "vm1", "master");

        Assert.Equal(0, exit);
        Assert.Equal(new FdbEntryChange("52:54:00:00:00:09", "vm1", null, FdbKind.Static), Assert.Single(bridge.Control.FdbAdds));
    }

    [Fact]
    public async Task Fdb_del_removes_the_entry_and_a_missing_one_is_an_operation_error()
    {
        await using var bridge = ManagementFixture.Start();

        (int removed, _, _) = bridge.Run("fdb", "del", "52:54:00:00:00:02", "dev", "uplink", "vlan", "10");
        (int missing, _, string error) = bridge.Run("fdb", "del", "52:54:00:00:00:77", "dev", "uplink");

        Assert.Equal(0, removed);
        Assert.Equal(new FdbEntryChange("52:54:00:00:00:02", "uplink", 10), Assert.Single(bridge.Control.FdbDeletes));
        Assert.Equal(1, missing);
        Assert.Equal("hairpin fdb: no FDB entry for 52:54:00:00:00:77", ErrorLine.Single(error));
    }

    [Theory]
    [InlineData("fdb", "add", "52:54:00:00:00", "dev", "vm1")]
    [InlineData("fdb", "add", "52:54:00:00:00:01", "dev", "vm1", "vlan", "4095")]
    [InlineData("fdb", "add", "52:54:00:00:00:01", "vlan", "10")]
    [InlineData("fdb", "del", "52:54:00:00:00:01", "dev", "vm1", "sticky")]
    [InlineData("fdb", "show", "port", "vm1")]
    public async Task Malformed_fdb_commands_are_usage_errors_and_send_nothing(params string[] args)
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run(args);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        ErrorLine.Single(error);
        Assert.Empty(bridge.Control.FdbAdds);
        Assert.Empty(bridge.Control.FdbDeletes);
        Assert.Empty(bridge.Control.FdbQueries);
    }
}
