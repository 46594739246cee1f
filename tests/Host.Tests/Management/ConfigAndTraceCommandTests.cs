// `hairpin config reload` and `hairpin trace`: the server's answer, printed as it comes.
using System.Text.Json;

namespace Hairpin.Host.Tests.Management;

public sealed class ConfigAndTraceCommandTests
{
    [Fact]
    public async Task Config_reload_reports_the_file_it_read()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("config", "reload");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.Equal("reloaded /etc/hairpin/bridge.yaml\n  port vm3 added\n", output);
    }

    [Fact]
    public async Task Config_reload_with_errors_exits_1_and_lists_each_file_line_error()
    {
        await using var bridge = ManagementFixture.Start();
        bridge.Control.ReloadErrors = ["/etc/hairpin/bridge.yaml:12: unknown port 'vm7' in acl web-in", "/etc/hairpin/bridge.yaml:30: pvid 5 is not one of the port's VLANs"];

        (int exit, string output, string error) = bridge.Run("config", "reload");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal(
            "hairpin config: 2 errors in /etc/hairpin/bridge.yaml; the running configuration stays\n" +
            "  /etc/hairpin/bridge.yaml:12: unknown port 'vm7' in acl web-in\n" +
            "  /etc/hairpin/bridge.yaml:30: pvid 5 is not one of the port's VLANs\n",
            error);
    }

    [Fact]
    public async Task Trace_carries_the_frame_words_untouched_and_prints_the_path()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, _) = bridge.Run("trace", "dev", "vm1", "src", "52:54:00:00:00:01", "dst", "52:54:00:00:00:02", "tcp", "dport", "80");

        Assert.Equal(0, exit);
        (string port, IReadOnlyList<string> spec) = Assert.Single(bridge.Control.Traces);
        Assert.Equal("vm1", port);
        Assert.Equal(["src", "52:54:00:00:00:01", "dst", "52:54:00:00:00:02", "tcp", "dport", "80"], spec);
        Assert.Equal(
            "  ingress vm1: vlan 10 (pvid)\n  acl web-in: allow-http permits\n  fdb: 52:54:00:00:00:02 on uplink\n" +
            "acl rule: web-in/allow-http\negress: uplink\n",
            output);
    }

    [Fact]
    public async Task Trace_json_prints_stages_rule_egress_and_drop_reason()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, _) = bridge.Run("trace", "dev", "vm1", "broadcast", "--json");

        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.Equal(3, json.RootElement.GetProperty("stages").GetArrayLength());
        Assert.Equal("web-in/allow-http", json.RootElement.GetProperty("matchedRule").GetString());
        Assert.Equal("uplink", json.RootElement.GetProperty("egressPorts")[0].GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("dropReason").ValueKind);
    }

    [Fact]
    public async Task Trace_without_a_frame_is_a_usage_error()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, _, string error) = bridge.Run("trace", "dev", "vm1");

        Assert.Equal(2, exit);
        ErrorLine.Single(error);
        Assert.Empty(bridge.Control.Traces);
    }
}
