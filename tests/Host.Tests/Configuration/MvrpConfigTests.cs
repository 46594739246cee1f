// The `mvrp:` keys: a port's switch and its registrar mode and VID limit, the bridge's timers with
// 802.1Q's defaults, what MVRP does to each port's handling of MVRPDUs, and each bad value refused at
// its line with the reason.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Mrp;
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Tests.Configuration;

public sealed class MvrpConfigTests
{
    private const string Ports =
        """
        ports:
          - { name: hv1, attach: { afpacket: hv1 } }
          - { name: up, attach: { afpacket: up }, vlan: { trunk: "1" }, mvrp: true }

        """;

    [Fact]
    public void WithoutMvrpPortsTheBridgeRunsNoMvrpAndRelaysMvrpdus()
    {
        HostConfig config = ConfigFile.Load("ports:\n  - { name: hv1, attach: { afpacket: hv1 } }\n");

        Assert.Null(config.Mvrp);
        Assert.Equal(MvrpFrames.Relay, config.Bridge.Ports[0].MvrpFrames);
    }

    [Fact]
    public void APortWithMvrpTrueRunsItWithDefaultsAndTheOtherPortsDiscardMvrpdus()
    {
        HostConfig config = ConfigFile.Load(Ports);

        MvrpConfig mvrp = config.Mvrp!;
        Assert.Equal([new MvrpPortConfig("up", RegistrarMode.Normal, MvrpPortConfig.DefaultMaxVids)], mvrp.Ports);
        Assert.Equal(MrpTimers.Default, mvrp.Timers);
        Assert.False(mvrp.DeclareStatic);
        Assert.Equal([MvrpFrames.Discard, MvrpFrames.Trap], config.Bridge.Ports.Select(port => port.MvrpFrames));
    }

    [Fact]
    public void EverySettingIsRead()
    {
        HostConfig config = ConfigFile.Load(
            """
            ports:
              - { name: a, attach: { afpacket: a }, mvrp: { registrar: fixed, max_vids: 10 } }
              - { name: b, attach: { afpacket: b }, mvrp: { registrar: forbidden } }
              - { name: c, attach: { afpacket: c }, mvrp: false }
            mvrp:
              join_time: 100ms
              leave_time: 600ms
              leaveall_time: 20s
              periodic_time: 0
              declare_static: true

            """);

        MvrpConfig mvrp = config.Mvrp!;
        Assert.Equal([new MvrpPortConfig("a", RegistrarMode.Fixed, 10), new MvrpPortConfig("b", RegistrarMode.Forbidden)], mvrp.Ports);
        Assert.Equal(new MrpTimers { Join = TimeSpan.FromMilliseconds(100), Leave = TimeSpan.FromMilliseconds(600), LeaveAll = TimeSpan.FromSeconds(20), Periodic = TimeSpan.Zero },
            mvrp.Timers);
        Assert.True(mvrp.DeclareStatic);
        Assert.Equal([MvrpFrames.Trap, MvrpFrames.Trap, MvrpFrames.Discard], config.Bridge.Ports.Select(port => port.MvrpFrames));
    }

    [Theory]
    [InlineData("mvrp: { join_time: 0 }", "4:20: join_time must be more than 0")]
    [InlineData("mvrp: { join_time: 300ms, leave_time: 600ms }", "leave_time (600 ms) must be more than twice join_time (300 ms)")]
    [InlineData("mvrp: { leaveall_time: 1s }", "leaveall_time (1 s) must be more than leave_time (1 s)")]
    [InlineData("mvrp: { join_time: soon }", "join_time: 'soon' is not a duration")]
    [InlineData("mvrp: { join: 200ms }", "unknown key 'join' in mvrp")]
    [InlineData("mvrp: true", "mvrp must be a mapping")]
    public void BadBridgeSettingsAreRefusedAtTheirLine(string line, string expected)
    {
        string error = Assert.Single(ConfigFile.Errors(Ports + line + "\n"));

        Assert.True(error.Contains(expected, StringComparison.Ordinal), error);
        Assert.StartsWith("4:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mvrp: yes please", "'yes please'")]
    [InlineData("mvrp: { registrar: static }", "registrar: 'static' is not normal, fixed or forbidden")]
    [InlineData("mvrp: { max_vids: 5000 }", "max_vids: 5000 is outside 0..4094")]
    [InlineData("mvrp: { registrar: normal, limit: 5 }", "unknown key 'limit'")]
    public void BadPortSettingsAreRefusedAtTheirLine(string setting, string expected)
    {
        string error = Assert.Single(ConfigFile.Errors($"ports:\n  - {{ name: up, attach: {{ afpacket: up }}, {setting} }}\n"));

        Assert.True(error.Contains(expected, StringComparison.Ordinal), error);
        Assert.StartsWith("2:", error, StringComparison.Ordinal);
    }
}
