// Port security under attack: a MAC flood on one port must not cost any other port its entries.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class PortSecurityTests
{
    [Fact]
    public void AMacFloodOnASecuredPortCannotPushOutOtherPortsEntries()
    {
        var harness = new BridgeHarness(new BridgeConfig
        {
            MaxLearned = 64,
            Ports =
            [
                new PortConfig { Name = "attacker", Security = new PortSecurity { Enabled = true, MaxMacs = 4 } },
                new PortConfig { Name = "server" },
                new PortConfig { Name = "other" },
            ],
        });
        var servers = Enumerable.Range(1, 20).Select(i => new MacAddress(0x02_00_00_00_01_00UL | (uint)i)).ToArray();
        harness.Send(servers.Select(mac => (1, new FrameBuilder().From(mac).Build())));
        harness.DrainEgress();

        var random = new Random(99);
        for (int batch = 0; batch < 40; batch++)
        {
            harness.Send(Enumerable.Range(0, 64).Select(_ =>
                (0, new FrameBuilder().From(new MacAddress(0x02_00_00_00_00_00UL | (uint)random.Next(1, int.MaxValue))).To(servers[0]).Build())));
            harness.DrainEgress();
        }

        Assert.Equal(4, harness.Engine.Fdb.LearnedOnPort(0));
        Assert.Equal(40 * 64 - 4, harness.Engine.Counters(0).DroppedFor(DropReason.PortSecurityViolation));
        Assert.All(servers, mac => Assert.Equal(1, harness.Engine.Fdb.Lookup(1, mac)));
        var newcomer = new MacAddress(0x02_00_00_00_02_01);
        harness.Send(2, new FrameBuilder().From(newcomer).Build());
        Assert.Equal(2, harness.Engine.Fdb.Lookup(1, newcomer));   // the bridge still has room to learn
    }
}
