// A VSI source (MonitorService): mirrored by each (MAC, VLAN) of its filter on the port it is
// associated on, as the 802.1Qbg plane lists it; not yet associated, the session runs without it and
// says so; once it associates or moves, the next lookup follows it.
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Qbg;
using Hairpin.Host.Runtime.Monitoring;
using Hairpin.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.Host.Tests.Runtime;

public sealed class MonitorServiceVsiTests
{
    private const string VsiId = "6f1c2a3b-0000-4000-8000-000000000001";
    private static readonly HostConfig Config = HostConfigLoader.Parse(
        "ports:\n  - { name: p1, attach: { tap: t1 } }\n  - { name: p2, attach: { tap: t2 } }\n  - { name: mon, attach: { tap: t3 } }\n", "bridge.yaml");

    private static VsiInfo Associated(string port, string mac, int vid) =>
        new(VsiId, "uuid", 1, 1, null, [new VsiFilterInfo(mac, vid)], port, "associated", null, 0, 0, VsiTraffic.Of(VsiCountersSnapshot.Empty));

    private static MonitorSessionConfig Session => new("vm", [new MonitorSourceConfig(Vsi: VsiId, Direction: MonitorDirection.Rx)], new MonitorDestinationConfig { Port = "mon" });

    [Fact]
    public async Task AnAssociatedVsiIsMirroredByItsMacAndVlanOnItsPort()
    {
        var engine = new BridgeEngine(Config.Bridge, new FramePool(16), TimeProvider.System);
        await using var service = new MonitorService(engine, () => Config, () => Task.FromResult<IReadOnlyList<VsiInfo>>([Associated("p2", "52:54:00:00:00:0a", 10)]), TimeProvider.System, NullLogger.Instance);

        MonitorSessionInfo added = await service.AddAsync(Session);

        Assert.Empty(added.Notes);
        CaptureSelector source = Assert.Single(Assert.Single(engine.MirrorSessions).Sources);
        Assert.Equal(new CaptureSelector(1) { Outbound = false, Mac = MacAddress.Parse("52:54:00:00:00:0a"), Vid = 10 }, source);
    }

    [Fact]
    public async Task AVsiNotAssociatedYetIsNotedAndFollowedOnceItIs()
    {
        IReadOnlyList<VsiInfo> vsis = [];
        var engine = new BridgeEngine(Config.Bridge, new FramePool(16), TimeProvider.System);
        await using var service = new MonitorService(engine, () => Config, () => Task.FromResult(vsis), TimeProvider.System, NullLogger.Instance);

        MonitorSessionInfo added = await service.AddAsync(Session);
        Assert.Equal($"vsi {VsiId} is not associated on this bridge: nothing is mirrored for it until it is", Assert.Single(added.Notes));
        Assert.Empty(Assert.Single(engine.MirrorSessions).Sources);

        vsis = [Associated("p1", "52:54:00:00:00:0b", 20)];
        service.Start();   // its loop looks the VSIs up again every second

        await Eventually.TrueAsync(() => engine.MirrorSessions.SingleOrDefault()?.Sources.Count == 1, "the session follows the VSI", TimeSpan.FromSeconds(5));
        Assert.Equal(new CaptureSelector(0) { Outbound = false, Mac = MacAddress.Parse("52:54:00:00:00:0b"), Vid = 20 }, engine.MirrorSessions.Single().Sources.Single());
        Assert.Empty(Assert.Single(service.Show()).Notes);
    }
}
