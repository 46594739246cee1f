// `hairpin stats`: traffic, drops by reason both ways, queue tail drops, policer colors.
using System.Text.Json;

namespace Hairpin.Host.Tests.Management;

public sealed class StatsCommandTests
{
    [Fact]
    public async Task Stats_prints_traffic_drops_queues_and_policers_as_tables()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("stats");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Infrastructure.Golden.Verify(output);
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
