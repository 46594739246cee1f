// `hairpin acl show`: rule hit counters and load-time warnings.
using System.Text.Json;

namespace Hairpin.Host.Tests.Management;

public sealed class AclCommandTests
{
    [Fact]
    public async Task Acl_show_prints_each_acls_rules_with_hits_and_its_warnings()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, string error) = bridge.Run("acl", "show");

        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Infrastructure.Golden.Verify(output);
    }

    [Fact]
    public async Task Acl_show_by_name_returns_that_acl_and_an_unknown_name_exits_1()
    {
        await using var bridge = ManagementFixture.Start();

        (int exit, string output, _) = bridge.Run("acl", "show", "web-in", "--json");
        (int unknown, _, string error) = bridge.Run("acl", "show", "nope");

        Assert.Equal(0, exit);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement acl = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(900, acl.GetProperty("rules")[0].GetProperty("hits").GetProperty("frames").GetInt64());
        Assert.Equal(1, unknown);
        Assert.Equal("hairpin acl: cannot find acl \"nope\"", ErrorLine.Single(error));
    }
}
