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
    [Fact]
    public void StickyLearningCannotTakeAMacPinnedToAnotherPort()
    {
        var server = MacAddress.Parse("02:00:00:00:0a:01");
        var harness = new BridgeHarness(new BridgeConfig
        {
            Ports =
            [
                new PortConfig { Name = "sticky", Security = new PortSecurity { Enabled = true, MaxMacs = 4, Sticky = true } },
                new PortConfig { Name = "server", Security = new PortSecurity { Enabled = true, MaxMacs = 4, AllowedMacs = [new SecureMac(server)] } },
            ],
        });
        harness.Send(0, new FrameBuilder().From(server).Build());   // spoofing the server's configured MAC
        Assert.Empty(harness.DrainEgress());
        Assert.Equal(1, harness.Engine.Counters(0).DroppedFor(DropReason.PortSecurityViolation));
        Assert.Equal(1, harness.Engine.Fdb.Lookup(1, server));
    }

    [Fact]
    public void AMoveOntoASecuredPortCountsAsAMove()
    {
        var vm = MacAddress.Parse("02:00:00:00:0b:01");
        var harness = new BridgeHarness(new BridgeConfig
        {
            Ports = [new PortConfig { Name = "old" }, new PortConfig { Name = "secured", Security = new PortSecurity { Enabled = true, MaxMacs = 2 } }],
        });
        harness.Send(0, new FrameBuilder().From(vm).Build());
        harness.Send(1, new FrameBuilder().From(vm).Build());
        harness.DrainEgress();
        Assert.Equal(1, harness.Engine.Fdb.Lookup(1, vm));
        Assert.Equal(1, harness.Engine.Counters(1).MovedIn);
        Assert.Equal(0, harness.Engine.Counters(1).Learned);
    }
}
