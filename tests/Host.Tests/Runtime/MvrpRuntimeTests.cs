// MVRP in the running appliance, on in-memory ports: a neighbour's declaration arriving on an MVRP port
// makes that port carry the VLAN in the engine's configuration, and its withdrawal takes it away a
// leave time later (and the metrics count it); the appliance speaks MVRP out of that port and only that port; an MVRPDU on a
// port without MVRP is dropped and counted; a New heard on an MVRP port flushes what the port learned in
// that VLAN (802.1Q 11.2.5) and nothing else; a reload that changes mvrp: is refused.
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mrp;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Metrics;
using Hairpin.Host.Runtime;
using Hairpin.Host.Tests.Configuration;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Runtime;

public sealed class MvrpRuntimeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private static readonly MacAddress Neighbour = MacAddress.Parse("02:00:00:00:00:99");

    private static HostConfig Config(string mvrp = "mvrp: { periodic_time: 0 }") => ConfigFile.Load(
        """
        ports:
          - { name: host, attach: { stream: { listen: /tmp/hairpin-mvrp-host.sock } }, vlan: 30 }
          - { name: up, attach: { stream: { listen: /tmp/hairpin-mvrp-up.sock } }, vlan: { trunk: "1", native: 1 }, mvrp: true }
        loop_detection: false

        """ + mvrp + "\n");

    private static (BridgeRuntime Runtime, Dictionary<string, InMemoryTransport> Peers) Start(HostConfig config) => InMemoryRuntime.Start(config);

    private static byte[] Mvrpdu(MrpAttributeEvent attributeEvent, int vid)
    {
        var message = new MvrpMessage();
        message.Events.Add(new VidEvent((ushort)vid, attributeEvent));
        var frames = new List<byte[]>();
        MvrpPdu.Encode(Neighbour, message, frames);
        return Assert.Single(frames);
    }

    [Fact]
    public async Task ADeclarationHeardOnAnMvrpPortMakesItCarryTheVlanUntilTheNeighbourWithdrawsIt()
    {
        var (runtime, peers) = Start(Config());
        await using (runtime)
        {
            PortQueues up = await peers["up"].Attached.WaitAsync(Patience);
            await peers["host"].Attached.WaitAsync(Patience);

            using var metrics = new BridgeMetrics(runtime);

            up.Receive(Mvrpdu(MrpAttributeEvent.New, 40));
            await Eventually.TrueAsync(() => runtime.Engine.Config.Ports[1].Vlans.Members.Contains(40), "VLAN 40 on up once declared");
            Assert.Equal("1,40", runtime.Engine.Config.Ports[1].Vlans.Members.ToString());
            Assert.Equal("30", runtime.Engine.Config.Ports[0].Vlans.Members.ToString());
            string text = PrometheusText.Collect(BridgeMetrics.MeterName);
            Assert.Contains("hairpin_mvrp_pdus_total{port=\"up\",direction=\"rx\"} 1", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_mvrp_dynamic_vlans{port=\"up\"} 1", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_mvrp_malformed_total{port=\"up\"} 0", text, StringComparison.Ordinal);
            Assert.DoesNotContain("hairpin_mvrp_pdus_total{port=\"host\"", text, StringComparison.Ordinal);

            // Withdrawn when the leave timer (1 s, started when the Lv is handled, after this call) runs out,
            // not before. Timed from before the call rather than probed at a fixed instant: a loaded machine
            // may run this thread late, never the bridge's timer early. The slack is the forwarding loop's
            // turn (its clock is read once per turn, possibly just before the Lv arrived).
            long before = System.Diagnostics.Stopwatch.GetTimestamp();
            up.Receive(Mvrpdu(MrpAttributeEvent.Lv, 40));
            await Eventually.TrueAsync(() => !runtime.Engine.Config.Ports[1].Vlans.Members.Contains(40), "VLAN 40 off up after the leave time");
            TimeSpan carried = System.Diagnostics.Stopwatch.GetElapsedTime(before);
            Assert.True(carried >= TimeSpan.FromMilliseconds(950), $"VLAN 40 withdrawn {carried.TotalMilliseconds:0} ms after the Lv: before the leave time (1 s) ran out");
        }
    }

    [Fact]
    public async Task TheApplianceSpeaksMvrpOutOfItsMvrpPortsAndDropsMvrpdusElsewhere()
    {
        var (runtime, peers) = Start(Config("mvrp: { periodic_time: 0, declare_static: true }"));
        await using (runtime)
        {
            PortQueues up = await peers["up"].Attached.WaitAsync(Patience);
            PortQueues host = await peers["host"].Attached.WaitAsync(Patience);
            up.Receive(Mvrpdu(MrpAttributeEvent.New, 40));
            await Eventually.TrueAsync(() => runtime.Engine.Config.Ports[1].Vlans.Members.Contains(40), "VLAN 40 registered on up");

            host.Receive(Mvrpdu(MrpAttributeEvent.JoinIn, 50));
            await Eventually.TrueAsync(() => runtime.Engine.Counters(0).DroppedFor(DropReason.MvrpOffOnPort) == 1, "the MVRPDU on host dropped as mvrp-off-on-port");

            // up declares host's static VLAN (declare_static) at once; host, not an MVRP port, sends none.
            List<byte[]> sent = await peers["up"].TakeSentAsync(1, Patience);
            var decoded = new MvrpMessage();
            Assert.All(sent, frame => Assert.Equal(MvrpError.None, MvrpPdu.Decode(frame, decoded)));
            Assert.Equal([new VidEvent(30, MrpAttributeEvent.JoinMt)], decoded.Events);   // host's VLAN, declared (declare_static), not registered here (Mt); 40, registered here, is not declared back
            Assert.Empty(await peers["host"].TakeSentAsync(0, TimeSpan.FromMilliseconds(300)));
        }
    }

    [Fact]
    public async Task ANewHeardOnAnMvrpPortFlushesWhatThePortLearnedInThatVlanOnly()
    {
        var (runtime, peers) = Start(Config());
        await using (runtime)
        {
            PortQueues up = await peers["up"].Attached.WaitAsync(Patience);
            PortQueues host = await peers["host"].Attached.WaitAsync(Patience);
            using var metrics = new BridgeMetrics(runtime);
            MacAddress beyond40 = MacAddress.Parse("02:00:00:00:40:01");
            MacAddress beyond1 = MacAddress.Parse("02:00:00:00:01:01");
            MacAddress pinned40 = MacAddress.Parse("02:00:00:00:40:0a");
            MacAddress local30 = MacAddress.Parse("02:00:00:00:30:01");
            up.Receive(Mvrpdu(MrpAttributeEvent.JoinIn, 40));
            await Eventually.TrueAsync(() => runtime.Engine.Config.Ports[1].Vlans.Members.Contains(40), "VLAN 40 on up once declared");
            up.Receive(new FrameBuilder().From(beyond40).To("ff:ff:ff:ff:ff:ff").Tag(40).EtherType(0x0800).Build());
            up.Receive(new FrameBuilder().From(beyond1).To("ff:ff:ff:ff:ff:ff").EtherType(0x0800).Build());   // native VLAN 1
            host.Receive(new FrameBuilder().From(local30).To("ff:ff:ff:ff:ff:ff").EtherType(0x0800).Build());
            Assert.True(await runtime.OnForwardingThread(engine => engine.AddFdbEntry(40, pinned40, 1, FdbEntryKind.Static)));
            await Eventually.TrueAsync(() => Lookup(runtime, 40, beyond40) == 1 && Lookup(runtime, 1, beyond1) == 1 && Lookup(runtime, 30, local30) == 0, "the hosts learned");
            Assert.Equal(0, await runtime.OnForwardingThread(engine => engine.Counters(1).VlanFlushes));   // a plain Join flushed nothing

            up.Receive(Mvrpdu(MrpAttributeEvent.New, 40));

            await Eventually.TrueAsync(() => Lookup(runtime, 40, beyond40) == -1, "VLAN 40's learned entry on up flushed by the New");
            Assert.Equal(1, Lookup(runtime, 1, beyond1));     // another VLAN of the same port
            Assert.Equal(0, Lookup(runtime, 30, local30));    // another port
            Assert.Equal(1, Lookup(runtime, 40, pinned40));   // static
            Assert.Equal((1L, 1L), await runtime.OnForwardingThread(engine => (engine.Counters(1).VlanFlushes, engine.Counters(1).EntriesFlushed)));
            MvrpCountersInfo counters = (await runtime.OnForwardingThread(_ => runtime.Mvrp!.Show(runtime.ControlTime)))[0].Counters;
            Assert.Equal((1L, 1L), (counters.VlanFlushes, counters.EntriesFlushed));
            string text = PrometheusText.Collect(BridgeMetrics.MeterName);
            Assert.Contains("hairpin_mvrp_fdb_flushes_total{port=\"up\"} 1", text, StringComparison.Ordinal);
            Assert.Contains("hairpin_mvrp_fdb_flushed_total{port=\"up\"} 1", text, StringComparison.Ordinal);
        }
    }

    private static int Lookup(BridgeRuntime runtime, int vid, MacAddress mac) =>
        runtime.OnForwardingThread(engine => engine.Fdb.Lookup(vid, mac)).GetAwaiter().GetResult();

    [Fact]
    public async Task AReloadThatChangesMvrpIsRefusedAndTheRunningConfigStays()
    {
        var (runtime, _) = Start(Config());
        await using (runtime)
        {
            HostConfig running = runtime.Config;

            var error = Assert.Throws<InvalidOperationException>(() => runtime.Apply(running with { Mvrp = running.Mvrp! with { DeclareStatic = true } }));

            Assert.Contains("mvrp: (a port's or the bridge's) changed: restart the bridge", error.Message, StringComparison.Ordinal);
            Assert.Same(running, runtime.Config);
            runtime.Apply(running with { Mvrp = running.Mvrp! with { Ports = [.. running.Mvrp!.Ports] } });   // equal by value: applied
        }
    }
}
