// Port settings change while frames flow: each batch runs wholly under one configuration, and no
// frame is lost or duplicated by the change.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class LiveReconfigurationTests
{
    private static readonly byte[] FromAToB = new FrameBuilder().From("02:00:00:00:00:0a").To("02:00:00:00:00:0b").Build();
    private static readonly byte[] FromB = new FrameBuilder().From("02:00:00:00:00:0b").Build();

    private static BridgeConfig Config(bool hairpin) => new()
    {
        Ports = [new PortConfig { Name = "uplink", Hairpin = hairpin }, new PortConfig { Name = "host" }],
    };

    [Fact]
    public async Task TogglingHairpinFromAnotherThreadWhileBatchesFlowLosesAndDuplicatesNothing()
    {
        var harness = new BridgeHarness(Config(hairpin: false));
        harness.Send(0, FromB);           // B is behind the uplink
        harness.DrainEgress();
        const int MinBatches = 2_000;
        const int MaxBatches = 200_000;
        const int BatchSize = 32;
        using var stop = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var toggler = Task.Run(() =>
        {
            bool hairpin = false;
            while (!stop.IsCancellationRequested)
            {
                hairpin = !hairpin;
                harness.Engine.Publish(Config(hairpin));
                started.TrySetResult();
            }
        });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        long reflected = 0;
        int mixedBatches = 0;
        var batch = Enumerable.Repeat((0, FromAToB), BatchSize).ToArray();
        PortCounters uplink = harness.Engine.Counters(0);
        int batches = 0;
        // Bounded: run until both settings have been seen in force (and at least MinBatches).
        while (batches < MaxBatches && (batches < MinBatches || reflected == 0 || reflected == (long)batches * BatchSize))
        {
            batches++;
            long droppedBefore = uplink.DroppedFor(DropReason.ReflectiveRelayOff);
            harness.Send(batch);
            int back = harness.DrainEgress().Count(copy => copy.Port == 0);
            long dropped = uplink.DroppedFor(DropReason.ReflectiveRelayOff) - droppedBefore;
            Assert.Equal(BatchSize, back + dropped);
            if (back != 0 && back != BatchSize)
            {
                mixedBatches++;
            }
            reflected += back;
        }
        stop.Cancel();
        await toggler.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, mixedBatches);
        Assert.Equal((long)batches * BatchSize, reflected + uplink.DroppedFor(DropReason.ReflectiveRelayOff));
        Assert.InRange(reflected, 1, ((long)batches * BatchSize) - 1);   // both settings were in force at some point
        Assert.Equal(harness.Pool.TotalCount, harness.Pool.AvailableCount);
    }

    [Fact]
    public void AnInvalidConfigurationIsRejectedWithReasonsAndTheRunningOneKeepsForwarding()
    {
        var harness = new BridgeHarness(Config(hairpin: true));
        var bad = new BridgeConfig
        {
            Ports =
            [
                new PortConfig { Name = "uplink", GroupForwardMask = 0x0002 },
                new PortConfig { Name = "uplink", Vlans = new PortVlans { Pvid = 10, Members = VlanSet.Of(20) } },
            ],
        };
        var error = Assert.Throws<InvalidBridgeConfigException>(() => harness.Engine.Publish(bad));
        Assert.Contains(error.Errors, e => e.Contains("ports[0] (uplink)", StringComparison.Ordinal) && e.Contains("pause", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("ports[1] (uplink)", StringComparison.Ordinal) && e.Contains("pvid 10", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Contains("name is used", StringComparison.Ordinal));

        harness.Send(0, FromB);
        harness.DrainEgress();
        harness.Send(0, FromAToB);
        Assert.Single(harness.DrainEgress(), copy => copy.Port == 0);   // still the old config: hairpin on
    }
}
