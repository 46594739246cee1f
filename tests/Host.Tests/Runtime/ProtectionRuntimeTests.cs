// Protection in the running appliance. On a manual clock: a BPDU takes a port down and that is
// logged and counted; when the hold is over the port comes back at its time with no traffic at all,
// `link show` says so, and that is logged and counted too (stats and metrics). And with two ports
// joined by a cable and loop detection off, a storm that keeps every batch full: management answers.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Time;
using Hairpin.Host.Configuration;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Management;
using Hairpin.Host.Metrics;
using Hairpin.Host.Runtime;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.Host.Tests.Runtime;

public sealed class ProtectionRuntimeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static HostConfig Config() => new()
    {
        SourceFile = "/nonexistent/hairpin-protection-test.yaml",
        Bridge = new BridgeConfig
        {
            Ports = [new PortConfig { Name = "hv1" }, new PortConfig { Name = "hv2" }],
            LoopDetection = new LoopDetection { Enabled = false },
        },
        Attachments = [new PortAttachment("hv1", new StreamAttach("/tmp/hv1.sock", Listen: true)), new PortAttachment("hv2", new StreamAttach("/tmp/hv2.sock", Listen: true))],
    };

    private static async Task<PortInfo> PortAsync(BridgeControl control, string name) =>
        (await control.ListPortsAsync(CancellationToken.None)).Single(port => port.Name == name);

    private static async Task WaitForStateAsync(BridgeControl control, string port, PortOperState wanted, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        PortOperState state;
        while ((state = (await PortAsync(control, port)).State) != wanted)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{port} still {state} after {timeout.TotalSeconds} s, waiting for {wanted}");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task ABpduGuardHoldEndsAtItsTimeWithNoTrafficAndEachStepIsLoggedAndCounted()
    {
        var clock = new ManualTimeProvider();
        var logs = new CapturingLogger();
        HostConfig config = Config();
        var (runtime, peers) = InMemoryRuntime.Start(config, logs.Factory, clock);
        await using (runtime)
        {
            var control = new BridgeControl(runtime, _ => throw new InvalidOperationException("no reload here"), (_, _, _) => throw new InvalidOperationException("no trace here"));
            using var metrics = new BridgeMetrics(runtime);
            PortQueues hv1 = await peers["hv1"].Attached;
            await peers["hv2"].Attached;

            hv1.Receive(new FrameBuilder().From("02:00:00:00:00:0a").To("01:80:c2:00:00:00").StpBpdu().Build());
            await WaitForStateAsync(control, "hv1", PortOperState.ErrorDisabled, Patience);
            Assert.Equal("bpdu-guard", (await PortAsync(control, "hv1")).ErrorDisableCause);
            CapturedLine down = Assert.Single(logs.Lines, line => line.Event.Name == "PortErrorDisabled");
            Assert.Equal(LogLevel.Warning, down.Level);
            Assert.Equal("port hv1 error-disabled (bpdu-guard) for 30 s", down.Message);
            Assert.Equal(("hv1", "bpdu-guard", 30u), ((string?)down.Fields["Port"], (string?)down.Fields["Cause"], (uint?)down.Fields["HoldSeconds"]));

            clock.Advance(TimeSpan.FromSeconds(29));
            await Task.Delay(300);   // three idle ticks of the forwarding thread
            Assert.Equal(PortOperState.ErrorDisabled, (await PortAsync(control, "hv1")).State);

            clock.Advance(TimeSpan.FromSeconds(1));   // due now; not one frame arrives from here on
            await WaitForStateAsync(control, "hv1", PortOperState.Forwarding, TimeSpan.FromSeconds(2));
            CapturedLine up = Assert.Single(logs.Lines, line => line.Event.Name == "PortRecovered");
            Assert.Equal(LogLevel.Information, up.Level);
            Assert.Equal("port hv1 recovered from bpdu-guard: forwarding", up.Message);
            Assert.Equal(1, runtime.Engine.Counters(0).RxFrames);

            BridgeStats stats = await control.StatsAsync(CancellationToken.None);
            Assert.Equal(
                [new ProtectionCount("error-disabled", "bpdu-guard", 1), new ProtectionCount("recovered", "bpdu-guard", 1)],
                stats.Ports.Single(port => port.Name == "hv1").Protection);
            Assert.Empty(stats.Ports.Single(port => port.Name == "hv2").Protection);
            string text = PrometheusText.Collect(BridgeMetrics.MeterName);
            Assert.Contains("hairpin_port_protection_events_total{port=\"hv1\",event=\"error-disabled\",cause=\"bpdu-guard\"} 1", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_port_protection_events_total{port=\"hv1\",event=\"recovered\",cause=\"bpdu-guard\"} 1", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task StormControlDroppingIsOneLogLinePerSecondAndAProtectionCount()
    {
        var clock = new ManualTimeProvider();
        var logs = new CapturingLogger();
        HostConfig config = Config() with
        {
            Bridge = Config().Bridge with
            {
                Ports = [new PortConfig { Name = "hv1", StormControl = new StormControl { BroadcastPps = 5 } }, new PortConfig { Name = "hv2" }],
            },
        };
        var (runtime, peers) = InMemoryRuntime.Start(config, logs.Factory, clock);
        await using (runtime)
        {
            var control = new BridgeControl(runtime, _ => throw new InvalidOperationException("no reload here"), (_, _, _) => throw new InvalidOperationException("no trace here"));
            using var metrics = new BridgeMetrics(runtime);
            PortQueues hv1 = await peers["hv1"].Attached;
            await peers["hv2"].Attached;
            byte[] broadcast = new FrameBuilder().From("02:00:00:00:00:0a").To(MacAddress.Broadcast).Build();

            for (int i = 0; i < 50; i++)
            {
                hv1.Receive(broadcast);   // all within one second of the manual clock: 45 over the limit
            }
            await Eventually.TrueAsync(() => runtime.Engine.Counters(0).RxFrames == 50, "all 50 frames through the engine", Patience);
            await Eventually.TrueAsync(() => logs.Lines.Any(line => line.Event.Name == "StormControlDropping"), "the storm logged", Patience);

            CapturedLine storm = Assert.Single(logs.Lines, line => line.Event.Name == "StormControlDropping");
            Assert.Equal(LogLevel.Warning, storm.Level);
            Assert.Equal(("hv1", "storm-broadcast", 5L), ((string?)storm.Fields["Port"], (string?)storm.Fields["Reason"], (long?)storm.Fields["LimitPps"]));
            BridgeStats stats = await control.StatsAsync(CancellationToken.None);
            Assert.Equal([new ProtectionCount("storm-dropping", "storm-control", 1)], stats.Ports.Single(port => port.Name == "hv1").Protection);
            Assert.Contains("hairpin_port_protection_events_total{port=\"hv1\",event=\"storm-dropping\",cause=\"storm-control\"} 1", PrometheusText.Collect(BridgeMetrics.MeterName), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ManagementAnswersWhileAStormKeepsEveryBatchFull()
    {
        HostConfig config = new()
        {
            SourceFile = "/nonexistent/hairpin-storm-test.yaml",
            Bridge = new BridgeConfig
            {
                Ports = [new PortConfig { Name = "h1" }, new PortConfig { Name = "l1" }, new PortConfig { Name = "l2" }],
                LoopDetection = new LoopDetection { Enabled = false },   // nothing stops this storm
            },
            Attachments =
            [
                new PortAttachment("h1", new StreamAttach("/tmp/h1.sock", Listen: true)),
                new PortAttachment("l1", new StreamAttach("/tmp/l1.sock", Listen: true)),
                new PortAttachment("l2", new StreamAttach("/tmp/l2.sock", Listen: true)),
            ],
        };
        var host = new InMemoryTransport(config.Attachments[0].Attach);
        var (l1, l2) = CableTransport.Between(config.Attachments[1].Attach, config.Attachments[2].Attach);
        IPortTransport[] transports = [host, l1, l2];
        var runtime = BridgeRuntime.Start(config, NullLoggerFactory.Instance, attach => transports.Single(t => t.Attach == attach));
        await using (runtime)
        {
            var control = new BridgeControl(runtime, _ => throw new InvalidOperationException("no reload here"), (_, _, _) => throw new InvalidOperationException("no trace here"));
            PortQueues h1 = await host.Attached;
            for (int i = 0; i < 1_500; i++)
            {
                h1.Receive(new FrameBuilder().From("02:00:00:00:00:0a").Ipv4Udp(0xA9FE0001, 0xA9FEFFFF, 4000, (ushort)(5000 + i)).Build());
            }
            await Eventually.TrueAsync(() => l1.Carried > 50_000, "the storm under way", TimeSpan.FromSeconds(20));

            // Management work runs before every batch: however busy the thread, a request waits for
            // at most the batch in hand (counted in frames, not timed). It used to wait until a batch
            // came out short, which a storm never allows.
            long stormBefore = l1.Carried;
            for (int request = 0; request < 20; request++)
            {
                // Read after queueing the request: read before, a test thread descheduled in between (two
                // cores, three busy threads) would charge the loop for frames it took before the request existed.
                Task<long> served = runtime.OnForwardingThread(ReceivedSoFar);
                long receivedOnceQueued = ReceivedSoFar(runtime);
                long receivedWhenServed = await served.WaitAsync(TimeSpan.FromSeconds(30));
                Assert.True(receivedWhenServed - receivedOnceQueued <= 2 * ForwardingLoop.BatchSize,
                    $"{receivedWhenServed - receivedOnceQueued} frames went through between the request and its service");
                IReadOnlyList<PortInfo> ports = await control.ListPortsAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(3, ports.Count);
                await Task.Delay(20);
            }
            Assert.True(l1.Carried - stormBefore > 10_000, $"the storm stopped by itself ({l1.Carried - stormBefore} frames meanwhile): the test proves nothing");
        }
    }

    private static long ReceivedSoFar(BridgeRuntime runtime) => ReceivedSoFar(runtime.Engine);

    private static long ReceivedSoFar(Hairpin.Bridge.Core.Forwarding.BridgeEngine engine) =>
        engine.Counters(0).RxFrames + engine.Counters(1).RxFrames + engine.Counters(2).RxFrames;
}
