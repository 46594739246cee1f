// The appliance's runtime with in-memory peers: frames cross the forwarding thread both ways, hairpin
// toggles live without losing frames, a reload that changes ports is refused, a port whose peer is
// away gets no flood copy (the engine follows its link: nothing is lost there but what was queued
// before it went), and the metrics show the engine's counters.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Metrics;
using Hairpin.Host.Runtime;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Runtime;

public sealed class BridgeRuntimeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly MacAddress VmA = MacAddress.Parse("52:54:00:00:00:0a");
    private static readonly MacAddress VmB = MacAddress.Parse("52:54:00:00:00:0b");
    private static readonly MacAddress HostC = MacAddress.Parse("52:54:00:00:00:0c");

    private static HostConfig Config(bool hairpin = false) => new()
    {
        SourceFile = "/nonexistent/hairpin-test.yaml",
        Bridge = new BridgeConfig
        {
            Ports = [new PortConfig { Name = "hv1", Hairpin = hairpin }, new PortConfig { Name = "hv2" }],
            LoopDetection = new LoopDetection { Enabled = false },
        },
        Attachments = [new PortAttachment("hv1", new StreamAttach("/tmp/hv1.sock", Listen: true)), new PortAttachment("hv2", new StreamAttach("/tmp/hv2.sock", Listen: true))],
    };

    private static (BridgeRuntime Runtime, Dictionary<string, InMemoryTransport> Peers) Start(HostConfig config) => InMemoryRuntime.Start(config);

    private static byte[] Frame(MacAddress from, MacAddress to, int sequence = 0) =>
        new FrameBuilder().From(from).To(to).Ipv4Udp(0xA9FE0001, 0xA9FE0002, 4000, (ushort)(5000 + (sequence % 1000))).Build();

    [Fact]
    public async Task AFrameFromOnePeerReachesTheOtherThroughTheForwardingThread()
    {
        var (runtime, peers) = Start(Config());
        await using (runtime)
        {
            PortQueues hv1 = await peers["hv1"].Attached;
            await peers["hv2"].Attached;   // a port whose peer is not there yet gets no copy (its link is down)
            hv1.Receive(Frame(VmA, MacAddress.Broadcast));
            byte[] received = Assert.Single(await peers["hv2"].TakeSentAsync(1, Patience));
            Assert.Equal(Frame(VmA, MacAddress.Broadcast), received);
            Assert.Equal(1, runtime.Engine.Counters(0).RxFrames);
        }
    }

    [Fact]
    public async Task APortGoingDownLosesWhatItLearnedButNotTheOperatorsStaticEntriesEvenWhenItIsUpAgainBeforeTheNextLook()
    {
        var (runtime, peers) = Start(Config());
        await using (runtime)
        {
            PortQueues hv1 = await peers["hv1"].Attached;
            PortQueues hv2 = await peers["hv2"].Attached;
            var control = new BridgeControl(runtime, _ => throw new InvalidOperationException("no reload here"), (_, _, _) => throw new InvalidOperationException("no trace here"));
            await control.AddFdbAsync(new FdbEntryChange(VmB.ToString(), "hv2"), CancellationToken.None);
            hv2.Receive(Frame(HostC, VmA));   // host C is learned on hv2
            await peers["hv1"].TakeSentAsync(1, Patience);
            Assert.Equal(2, (await control.ShowFdbAsync(new FdbFilter("hv2"), CancellationToken.None)).Count);

            hv2.MarkDown("test: no carrier");
            hv2.MarkUp();   // a flap shorter than the forwarding thread's look at the links

            await Eventually.TrueAsync(() => control.ShowFdbAsync(new FdbFilter("hv2"), CancellationToken.None).GetAwaiter().GetResult().Count == 1, "host C's entry flushed", Patience);
            FdbEntryInfo kept = Assert.Single(await control.ShowFdbAsync(new FdbFilter("hv2"), CancellationToken.None));
            Assert.Equal((VmB.ToString(), FdbKind.Static), (kept.Mac, kept.Kind));
            Assert.Equal(0, hv1.Counters.LinkDowns);
        }
    }

    [Fact]
    public async Task HairpinTurnedOnLiveReflectsAndNoFrameToTheOtherPortIsLost()
    {
        var (runtime, peers) = Start(Config());
        await using (runtime)
        {
            PortQueues hv1 = await peers["hv1"].Attached;
            PortQueues hv2 = await peers["hv2"].Attached;
            hv1.Receive(Frame(VmB, HostC));       // teach the bridge where VM B and host C are
            hv2.Receive(Frame(HostC, VmB));
            await peers["hv1"].TakeSentAsync(1, Patience);
            await peers["hv2"].TakeSentAsync(1, Patience);

            hv1.Receive(Frame(VmA, VmB));
            await Task.Delay(200);
            Assert.Empty(await peers["hv1"].TakeSentAsync(0, TimeSpan.Zero));   // hairpin off: not reflected

            const int frames = 500;
            var sending = Task.Run(async () =>
            {
                for (int i = 0; i < frames; i++)
                {
                    while (!hv1.Receive(Frame(VmA, HostC, i)))
                    {
                        await Task.Delay(1);
                    }
                    if (i % 50 == 0)
                    {
                        await Task.Delay(1);
                    }
                }
            });
            runtime.ChangePort("hv1", port => port with { Hairpin = true });
            await sending;
            Assert.Equal(frames, (await peers["hv2"].TakeSentAsync(frames, Patience)).Count);

            hv1.Receive(Frame(VmA, VmB));
            Assert.Single(await peers["hv1"].TakeSentAsync(1, Patience));   // hairpin on: reflected
            Assert.True(runtime.Config.Bridge.Ports[0].Hairpin);
        }
    }

    [Fact]
    public async Task AReloadThatChangesThePortsIsRefusedAndTheRunningConfigStays()
    {
        var (runtime, _) = Start(Config());
        await using (runtime)
        {
            HostConfig running = runtime.Config;
            HostConfig moved = running with { Attachments = [running.Attachments[0], new PortAttachment("hv2", new TapAttach("tap-x"))] };
            var error = Assert.Throws<InvalidOperationException>(() => runtime.Apply(moved));
            Assert.Contains("restart", error.Message, StringComparison.Ordinal);
            Assert.Same(running, runtime.Config);

            runtime.Apply(running with { Bridge = running.Bridge with { AgeingTime = TimeSpan.FromSeconds(60) } });
            Assert.Equal(TimeSpan.FromSeconds(60), runtime.Config.Bridge.AgeingTime);
        }
    }

    [Fact]
    public async Task AReloadThatChangesTheStoreIsRefusedAndTheRunningConfigStays()
    {
        var (runtime, _) = Start(Config() with { Store = new StoreConfig.Embedded("/nonexistent/a.vsi.json") });
        await using (runtime)
        {
            HostConfig running = runtime.Config;
            HostConfig toEtcd = running with { Store = new StoreConfig.Etcd(["http://127.0.0.1:2379"], "/hairpin", "a", 10) };

            var error = Assert.Throws<InvalidOperationException>(() => runtime.Apply(toEtcd));

            Assert.Contains("store: changed (from embedded (/nonexistent/a.vsi.json) to etcd (http://127.0.0.1:2379) /hairpin as a): restart the bridge", error.Message, StringComparison.Ordinal);
            Assert.Same(running, runtime.Config);
            runtime.Apply(running with { Store = new StoreConfig.Embedded("/nonexistent/a.vsi.json") });   // the same store: applied
        }
    }

    [Fact]
    public async Task AFloodSendsNothingToAPortWhosePeerIsAwaySoNothingIsLostThereAndItGetsCopiesWhenThePeerIsBack()
    {
        var (runtime, peers) = Start(Config());
        await using (runtime)
        {
            PortQueues hv1 = await peers["hv1"].Attached;
            PortQueues hv2 = await peers["hv2"].Attached;
            hv2.MarkDown("peer gone");
            hv1.Receive(Frame(VmA, MacAddress.Broadcast));
            await Eventually.TrueAsync(() => runtime.Engine.Counters(0).DroppedFor(DropReason.NoEligiblePort) == 1, "the broadcast dropped: hv2, the only other port, has no link");
            Assert.Equal(0, runtime.Ports[1].Counters.Dropped(LinkDropReason.TxLinkDown));   // it counted 1 when the engine offered the copy anyway
            Assert.Equal(0, runtime.Engine.Counters(1).TxFrames);
            Assert.True(hv2.Outbound.IsEmpty);
            Assert.Equal(1, hv2.Counters.LinkDowns);

            hv2.MarkUp();
            hv1.Receive(Frame(VmA, MacAddress.Broadcast, sequence: 1));
            Assert.Equal(Frame(VmA, MacAddress.Broadcast, sequence: 1), Assert.Single(await peers["hv2"].TakeSentAsync(1, Patience)));
        }
    }

    [Fact]
    public async Task PrometheusTextShowsTheEnginesCountersPerPort()
    {
        var (runtime, peers) = Start(Config());
        await using (runtime)
        {
            using var metrics = new BridgeMetrics(runtime);
            PortQueues hv1 = await peers["hv1"].Attached;
            await peers["hv2"].Attached;
            hv1.Receive(Frame(VmA, MacAddress.Broadcast));
            hv1.Receive(new FrameBuilder().From(MacAddress.Broadcast).To(VmB).Build());   // a group source MAC: dropped
            await peers["hv2"].TakeSentAsync(1, Patience);
            await Task.Delay(100);

            string text = PrometheusText.Collect(BridgeMetrics.MeterName);
            Assert.Contains("# TYPE hairpin_port_rx_frames_total counter", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_port_rx_frames_total{port=\"hv1\"} 2", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_port_tx_frames_total{port=\"hv2\"} 1", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_port_dropped_total{port=\"hv1\",direction=\"ingress\",reason=\"invalid-source-mac\"} 1", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_port_up{port=\"hv2\"} 1", text, StringComparison.Ordinal);
        }
    }
    [Fact]
    public async Task StatsAndMetricsShowThePortsAccountingAndLinkEvents()
    {
        var (runtime, peers) = Start(Config());
        await using (runtime)
        {
            using var metrics = new BridgeMetrics(runtime);
            PortQueues hv1 = await peers["hv1"].Attached;
            PortQueues hv2 = await peers["hv2"].Attached;
            hv1.CountSocketDrops(3);
            hv1.Receive(new byte[4000]);                    // larger than a slot
            hv1.Receive(Frame(VmA, MacAddress.Broadcast));   // flooded to hv2, whose peer has not read it yet
            await Eventually.TrueAsync(() => !hv2.Outbound.IsEmpty, "the copy for hv2 queued");
            hv2.MarkDown("peer closed the connection");      // what a stream transport does when its peer goes:
            hv2.DropOutboundLinkDown();                      // the copy queued before is lost with the link (tx-link-down)
            hv1.Receive(Frame(VmA, MacAddress.Broadcast, sequence: 1));   // now hv2 has no link: no copy, nothing lost there
            await Eventually.TrueAsync(() => runtime.Engine.Counters(0).DroppedFor(DropReason.NoEligiblePort) == 1, "the second broadcast had nowhere to go");

            var control = new BridgeControl(runtime, _ => throw new InvalidOperationException(), (_, _, _) => throw new InvalidOperationException());
            BridgeStats stats = await control.StatsAsync(CancellationToken.None);
            PortStats one = stats.Ports[0];
            PortStats two = stats.Ports[1];
            Assert.Equal(6, one.Rx.Frames);   // 3 dropped by the kernel, 1 too big, 1 forwarded, 1 with no port to go to
            Assert.Equal(one.Rx.Frames, one.Forwarded + one.Trapped + one.IngressDrops.Sum(drop => drop.Frames));
            Assert.Contains(new DropCount("rx-socket-drop", 3), one.IngressDrops);
            Assert.Contains(new DropCount("rx-too-big", 1), one.IngressDrops);
            Assert.Contains(new DropCount("no-eligible-port", 1), one.IngressDrops);
            Assert.Equal((0, 1), (two.Tx.Frames, two.Queued.Frames));
            Assert.Equal([new DropCount("tx-link-down", 1)], two.EgressDrops);
            Assert.Equal(new LinkEvents(Ups: 1, Downs: 1), two.Link);

            string text = PrometheusText.Collect(BridgeMetrics.MeterName);
            Assert.Contains("hairpin_port_rx_frames_total{port=\"hv1\"} 6", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_port_dropped_total{port=\"hv1\",direction=\"ingress\",reason=\"rx-socket-drop\"} 3", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_port_dropped_total{port=\"hv2\",direction=\"egress\",reason=\"tx-link-down\"} 1", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_port_tx_frames_total{port=\"hv2\"} 0", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_port_queued_frames_total{port=\"hv2\"} 1", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_port_link_downs_total{port=\"hv2\"} 1", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_port_link_ups_total{port=\"hv2\"} 1", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AReloadOfABadFileIsRejectedWithFileAndLineAndTheBridgeKeepsForwarding()
    {
        string file = Path.Combine(Path.GetTempPath(), $"hairpin-reload-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, "ports:\n  - name: hv1\n    attach: { stream: { listen: /tmp/hv1.sock } }\n  - name: hv2\n    attach: { stream: { listen: /tmp/hv2.sock } }\n");
        try
        {
            HostConfig loaded = HostConfigLoader.Load(file) with { Bridge = HostConfigLoader.Load(file).Bridge with { LoopDetection = new LoopDetection { Enabled = false } } };
            var (runtime, peers) = Start(loaded);
            await using (runtime)
            {
                var control = new BridgeControl(runtime, path =>
                {
                    try
                    {
                        return HostConfigLoader.Load(path);
                    }
                    catch (ConfigException error)
                    {
                        throw new Hairpin.Host.Management.ManagementException("rejected", [.. error.Errors.Select(e => e.ToString())]);
                    }
                }, (_, _, _) => throw new NotSupportedException());
                await File.WriteAllTextAsync(file, "ports:\n  - name: hv1\n    attach: { stream: { listen: /tmp/hv1.sock } }\n    hairpn: true\n");
                var error = await Assert.ThrowsAsync<Hairpin.Host.Management.ManagementException>(() => control.ReloadAsync(CancellationToken.None));
                Assert.Contains(error.Details, line => line.StartsWith($"{file}:4:", StringComparison.Ordinal) && line.Contains("hairpin", StringComparison.Ordinal));
                Assert.Same(loaded, runtime.Config);

                PortQueues hv1 = await peers["hv1"].Attached;
                await peers["hv2"].Attached;
                hv1.Receive(Frame(VmA, MacAddress.Broadcast));
                Assert.Single(await peers["hv2"].TakeSentAsync(1, Patience));   // still forwarding under the old configuration
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
