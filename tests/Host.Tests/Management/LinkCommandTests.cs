// `hairpin link show|set` end to end: the real CLI, a real socket and server, an in-memory bridge.
using System.Text.Json;
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Management;

public sealed class LinkCommandTests
{
    [Fact]
    public async Task Link_show_prints_every_port_as_an_aligned_table()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("link", "show");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Infrastructure.Golden.Verify(output);
    }

    [Fact]
    public async Task Link_with_no_verb_shows_and_dev_selects_one_port()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, _) = bridge.Run("link", "show", "dev", "uplink");
        (_, string bare, _) = bridge.Run("link");

        Assert.Equal(0, exit);
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("uplink  error-disabled (bpdu-guard)  down", lines[1], StringComparison.Ordinal);
        Assert.Equal(3, bare.TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public void Link_show_says_why_a_blocking_port_is_held_when_the_server_gives_a_cause()
    {
        // The dumb vswitch holds a VM whose VSI is not associated: "blocking (vsi-pending)".
        var flags = new PortFlags(false, false, false, false, true, true, false);
        var none = new TrafficCounters(0, 0);
        PortInfo held = new("vm1", PortOperState.Blocking, "vsi-pending", LinkState.Up, flags, 0, "", "", "tap:vm1", none, none);
        PortInfo blocked = held with { Name = "vm2", ErrorDisableCause = null };

        List<string> lines = Hairpin.Host.Commands.LinkPrinter.Table([held, blocked]);

        Assert.StartsWith("vm1   blocking (vsi-pending)  up", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("vm2   blocking                up", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Link_show_flags_a_port_without_carrier_as_ip_link_does_and_keeps_other_reasons_for_json()
    {
        var flags = new PortFlags(false, false, true, true, true, true, false);
        var none = new TrafficCounters(0, 0);
        PortInfo noCarrier = new("hv1", PortOperState.Forwarding, null, LinkState.Down, flags, 1, "1", "1", "afpacket:hv1", none, none, LinkDownReason: "no carrier");
        PortInfo missing = noCarrier with { Name = "hv2", Attach = "afpacket:hv2", LinkDownReason = "no interface hv2" };

        List<string> lines = Hairpin.Host.Commands.LinkPrinter.Table([noCarrier, missing]);

        Assert.StartsWith("hv1   forwarding  down (no-carrier)  off", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("hv2   forwarding  down               off", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_show_json_prints_the_ports_with_kebab_case_states()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, _) = bridge.Run("link", "show", "--json");

        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement uplink = json.RootElement[1];
        Assert.Equal("uplink", uplink.GetProperty("name").GetString());
        Assert.Equal("error-disabled", uplink.GetProperty("state").GetString());
        Assert.Equal("bpdu-guard", uplink.GetProperty("errorDisableCause").GetString());
        Assert.Equal("down", uplink.GetProperty("link").GetString());
        Assert.True(uplink.GetProperty("flags").GetProperty("hairpin").GetBoolean());
        Assert.Equal(320, uplink.GetProperty("rx").GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task Link_set_sends_every_setting_of_one_command_in_one_change()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run(
            "link", "set", "dev", "vm1", "hairpin", "on", "learning", "off", "mcast_flood", "off", "guard", "off", "state", "blocking");

        Assert.Equal(0, exit);
        Assert.Equal("", output);
        Assert.Equal("", error);
        (string port, PortFlagChanges changes, bool save) = Assert.Single(bridge.Control.FlagChanges);
        Assert.Equal("vm1", port);
        Assert.False(save);
        Assert.Equal(
            new PortFlagChanges { Hairpin = true, Learning = false, McastFlood = false, BpduGuard = false, State = PortAdminState.Blocking },
            changes);
    }

    [Fact]
    public async Task Link_set_with_save_asks_the_server_to_write_the_config_file()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, _) = bridge.Run("link", "set", "dev", "vm1", "isolated", "on", "--save", "--json");

        Assert.Equal(0, exit);
        Assert.True(Assert.Single(bridge.Control.FlagChanges).Save);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("flags").GetProperty("isolated").GetBoolean());
    }

    [Theory]
    [InlineData("hairpin", "maybe", "hairpin: 'maybe' is not on or off")]
    [InlineData("state", "listening", "state: 'listening' is not forwarding, blocking or disabled")]
    [InlineData("colour", "on", "unknown setting 'colour'")]
    public async Task Link_set_with_a_bad_value_is_a_usage_error_and_changes_nothing(string keyword, string value, string message)
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("link", "set", "dev", "vm1", keyword, value);

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        Assert.Contains(message, ErrorLine.Single(error), StringComparison.Ordinal);
        Assert.Empty(bridge.Control.FlagChanges);
    }

    [Fact]
    public async Task Link_set_on_an_unknown_port_exits_1_with_the_servers_message()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("link", "set", "dev", "vm9", "hairpin", "on");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal("hairpin link: cannot find device \"vm9\"", ErrorLine.Single(error));
    }

    [Fact]
    public async Task Link_show_of_an_unknown_port_exits_1()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, _, string error) = bridge.Run("link", "show", "dev", "vm9");

        Assert.Equal(1, exit);
        Assert.Equal("hairpin link: cannot find device \"vm9\"", ErrorLine.Single(error));
    }
}
