// `hairpin stats`: traffic, drops by reason both ways, queue tail drops, policer colors, reloads; rows
// that are all zero (idle queue classes, no reloads) are left out, as specs/cli.md says.
using System.Text.Json;
using Hairpin.Host.Commands;
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Management;

public sealed class StatsCommandTests
{
    [Fact]
    public async Task Stats_prints_traffic_drops_busy_queues_policers_and_reloads_as_tables()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("stats");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Infrastructure.Golden.Verify(output);
    }

    [Fact]
    public void An_idle_bridge_prints_its_traffic_table_alone()
    {
        // The real bridge reports 8 classes per port: 40 rows of zeros for 5 idle ports before.
        var idle = new BridgeStats(
            [.. Enumerable.Range(1, 5).Select(i => new PortStats($"p{i}", new TrafficCounters(0, 0), new TrafficCounters(0, 0), 0, 0, 0, [], [],
                [.. Enumerable.Range(0, 8).Select(c => new QueueStats(c, 0, 0, 0))],
                new TrafficCounters(0, 0), new LinkEvents(1, 0), []))],
            [],
            new ReloadStats(0, 0));

        List<string> lines = StatsPrinter.Tables(idle);

        Assert.Equal(6, lines.Count);
        Assert.StartsWith("PORT ", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_json_carries_drop_reasons_by_kebab_name_per_port_and_direction()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, _) = bridge.Run("--json", "stats");

        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement vm1 = json.RootElement.GetProperty("ports")[0];
        JsonElement ingress = vm1.GetProperty("ingressDrops")[0];
        Assert.Equal("reflective-relay-off", ingress.GetProperty("reason").GetString());
        Assert.Equal(7, ingress.GetProperty("frames").GetInt64());
        Assert.Equal("egress-queue-full", vm1.GetProperty("egressDrops")[0].GetProperty("reason").GetString());
        Assert.Equal(3, vm1.GetProperty("queues")[0].GetProperty("tailDrops").GetInt64());
        Assert.Equal(50, json.RootElement.GetProperty("policers")[0].GetProperty("red").GetProperty("frames").GetInt64());
    }

    [Fact]
    public async Task Stats_dev_keeps_only_that_port()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, _) = bridge.Run("stats", "dev", "uplink", "--json");

        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement port = Assert.Single(json.RootElement.GetProperty("ports").EnumerateArray());
        Assert.Equal("uplink", port.GetProperty("name").GetString());
    }
}
