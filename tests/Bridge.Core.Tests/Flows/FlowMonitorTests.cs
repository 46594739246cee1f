// Flow accounting in the engine (FlowMonitor, the engine's flow taps): frames of one flow make one
// record with their packets and bytes, MACs, VLAN, ports and addresses, first and last frame; TCP
// flags are OR-ed; a dropped flow carries the reason the bridge counted; idle and active timeouts,
// a full cache (least recently seen flow ended early, counted), a full record ring (lost, counted),
// sampling and a forced end each end flows as documented in specs/flow-export.md. Time is the
// harness's manual clock.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Flows;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;

namespace Hairpin.Bridge.Core.Tests.Flows;

public sealed class FlowMonitorTests
{
    private static readonly MacAddress A = MacAddress.Parse("52:54:00:00:00:0a");
    private static readonly MacAddress B = MacAddress.Parse("52:54:00:00:00:0b");
    private static readonly MacAddress C = MacAddress.Parse("52:54:00:00:00:0c");
    private const uint IpA = 0xC0A8_000A;   // 192.168.0.10
    private const uint IpB = 0xC0A8_000B;

    // p0: trunk carrying VLAN 10 tagged; p1 and p2: access ports of VLAN 10.
    private static (BridgeHarness Harness, FlowMonitor Monitor) Monitored(FlowMonitorOptions? options = null, BridgeConfig? config = null)
    {
        var harness = new BridgeHarness(config ?? new BridgeConfig
        {
            Ports =
            [
                new PortConfig { Name = "trunk", Vlans = PortVlans.Trunk(VlanSet.Of(10)) },
                new PortConfig { Name = "vm1", Vlans = PortVlans.Access(10) },
                new PortConfig { Name = "vm2", Vlans = PortVlans.Access(10) },
            ],
        });
        var monitor = new FlowMonitor(options ?? new FlowMonitorOptions(), harness.Clock.TimestampFrequency);
        harness.Engine.SetFlowMonitor(monitor);
        return (harness, monitor);
    }

    private static byte[] Udp(MacAddress from, MacAddress to, ushort sourcePort = 5000, int payload = 18, int vlan = 0)
    {
        var builder = new FrameBuilder().From(from).To(to);
        if (vlan != 0)
        {
            builder.Tag(vlan);
        }
        return builder.Ipv4Udp(IpA, IpB, sourcePort, 53, payload).Build();
    }

    /// <summary>An IPv4 TCP segment of 20 bytes of header and no data, with these flags.</summary>
    private static byte[] Tcp(MacAddress from, MacAddress to, byte flags)
    {
        byte[] frame = new FrameBuilder().From(from).To(to).Ipv4Udp(IpA, IpB, 40000, 80, payloadSize: 12).Build();
        Span<byte> ip = frame.AsSpan(14);
        ip[9] = TcpReader.IpProtocol;
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], FrameBuilder.Ipv4HeaderChecksum(ip[..20]));
        Span<byte> tcp = ip[20..40];
        tcp[4..].Clear();
        tcp[12] = 5 << 4;
        tcp[13] = flags;
        return frame;
    }

    private static List<FlowRecord> Ended(FlowMonitor monitor)
    {
        var records = new List<FlowRecord>();
        while (monitor.Records.TryRead(out FlowRecord record))
        {
            records.Add(record);
        }
        return records;
    }

    private static FlowRecord EndedUdp(FlowMonitor monitor) => Assert.Single(Ended(monitor), record => record.IpProtocol == UdpReader.IpProtocol);

    [Fact]
    public void TheFramesOfOneFlowBecomeOneRecordOnceItIsIdle()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored(new FlowMonitorOptions { IdleTimeout = TimeSpan.FromSeconds(5) });
        harness.Send(2, new FrameBuilder().From(B).To(A).Build());   // B learned on vm2
        long first = harness.Clock.GetTimestamp();
        harness.Send(1, Udp(A, B, payload: 100));
        harness.Clock.Advance(TimeSpan.FromSeconds(2));
        long last = harness.Clock.GetTimestamp();
        harness.Send([(1, Udp(A, B, payload: 100)), (1, Udp(A, B, payload: 100))]);

        Assert.Equal(0, monitor.Expire(harness.Clock.GetTimestamp()));   // 0 s idle: nothing ends
        harness.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, monitor.Expire(harness.Clock.GetTimestamp()));   // the UDP flow and B's frame

        FlowRecord record = EndedUdp(monitor);
        Assert.Equal(A, record.SourceMac);
        Assert.Equal(B, record.DestinationMac);
        Assert.Equal(EtherTypes.IPv4, record.EtherType);
        Assert.Equal(10, record.Vid);
        Assert.Equal(1, record.IngressPort);
        Assert.Equal(1UL << 2, record.EgressPorts);
        Assert.Equal(4, record.IpVersion);
        Assert.Equal((UInt128)IpA, record.SourceIp);
        Assert.Equal((UInt128)IpB, record.DestinationIp);
        Assert.Equal((5000, 53), (record.SourcePort, record.DestinationPort));
        Assert.Equal(3, record.Packets);
        Assert.Equal(3 * (20 + 8 + 100), record.Bytes);
        Assert.Equal(3 * (14 + 20 + 8 + 100), record.Layer2Bytes);
        Assert.Equal((first, last), (record.FirstTimestamp, record.LastTimestamp));
        Assert.Equal(DispositionKind.Forwarded, record.Fate);
        Assert.Equal(FlowEndReason.IdleTimeout, record.EndReason);
        Assert.Null(record.Vsi);
        Assert.Equal((0, 2L, 3 + 1L), (monitor.ActiveFlows, monitor.ExportedFlows, monitor.AccountedFrames));
    }

    [Fact]
    public void PaddingIsNotCountedAsIpBytesButIsAsLayer2Bytes()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored();
        byte[] small = Udp(A, MacAddress.Broadcast, payload: 2);   // 14 + 30 bytes, padded to 60

        harness.Send(1, small);
        monitor.Flush();

        FlowRecord record = EndedUdp(monitor);
        Assert.Equal((30L, 60L), (record.Bytes, record.Layer2Bytes));
        Assert.Equal((1UL << 0) | (1UL << 2), record.EgressPorts);   // flooded to the trunk and vm2
    }

    [Fact]
    public void TheTcpFlagsOfAFlowAreOred()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored();

        harness.Send([(1, Tcp(A, B, TcpFlags.Syn)), (1, Tcp(A, B, TcpFlags.Ack)), (1, Tcp(A, B, TcpFlags.Fin | TcpFlags.Ack))]);
        monitor.Flush();

        FlowRecord record = Assert.Single(Ended(monitor));
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Fin, record.TcpFlags);
        Assert.Equal((TcpReader.IpProtocol, 3L, 3 * 40L), (record.IpProtocol, record.Packets, record.Bytes));
        Assert.Equal(FlowEndReason.ForcedEnd, record.EndReason);
    }

    [Fact]
    public void ADroppedFlowCarriesTheReasonTheBridgeCounted()
    {
        var config = new BridgeConfig
        {
            Ports = [new PortConfig { Name = "p0", IngressAcl = "no-udp" }, new PortConfig { Name = "p1" }],
            Acls = [new AccessList { Name = "no-udp", DefaultVerdict = AclVerdict.Permit, Rules = [new AclRule("udp", AclVerdict.Deny, new AclMatch { Protocol = 17 })] }],
        };
        (BridgeHarness harness, FlowMonitor monitor) = Monitored(config: config);

        harness.Send([(0, Udp(A, B)), (0, Udp(A, B)), (0, Tcp(A, B, TcpFlags.Syn))]);
        monitor.Flush();

        List<FlowRecord> records = Ended(monitor);
        FlowRecord denied = Assert.Single(records, record => record.IpProtocol == UdpReader.IpProtocol);
        Assert.Equal((DispositionKind.Dropped, DropReason.AclDenied, 2L, 0UL), (denied.Fate, denied.DropReason, denied.Packets, denied.EgressPorts));
        Assert.Equal(1, denied.Vid);   // classified to the PVID before the ACL dropped it
        Assert.Equal(2, harness.Engine.Counters(0).DroppedFor(DropReason.AclDenied));
        FlowRecord permitted = Assert.Single(records, record => record.IpProtocol == TcpReader.IpProtocol);
        Assert.Equal(DispositionKind.Forwarded, permitted.Fate);
    }

    [Fact]
    public void FramesOfOneFlowWithDifferentFatesMakeOneRecordPerFate()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored();

        harness.Send([(0, Udp(A, B, vlan: 10)), (0, Udp(A, B, vlan: 20)), (0, Udp(A, B, vlan: 20))]);   // VLAN 20 is not on the trunk
        monitor.Flush();

        List<FlowRecord> records = Ended(monitor);
        Assert.Equal(2, records.Count);
        FlowRecord dropped = Assert.Single(records, record => record.Fate == DispositionKind.Dropped);
        Assert.Equal((DropReason.IngressVlanFiltered, (ushort)20, 2L), (dropped.DropReason, dropped.Vid, dropped.Packets));
        Assert.Equal(1L, Assert.Single(records, record => record.Fate == DispositionKind.Forwarded).Packets);
    }

    [Fact]
    public void TheActiveTimeoutEndsALongFlowAndItsNextFrameStartsANewRecord()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored(new FlowMonitorOptions { ActiveTimeout = TimeSpan.FromSeconds(10), IdleTimeout = TimeSpan.FromSeconds(5) });

        for (int second = 0; second < 12; second++)
        {
            harness.Send(1, Udp(A, B));
            harness.Clock.Advance(TimeSpan.FromSeconds(1));
            monitor.Expire(harness.Clock.GetTimestamp());
        }

        FlowRecord first = EndedUdp(monitor);
        Assert.Equal((FlowEndReason.ActiveTimeout, 10L), (first.EndReason, first.Packets));
        Assert.Equal(1, monitor.ActiveFlows);
        monitor.Flush();
        Assert.Equal(2L, EndedUdp(monitor).Packets);
    }

    [Fact]
    public void AFullCacheEndsTheLeastRecentlySeenFlowEarlyAndCountsIt()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored(new FlowMonitorOptions { Capacity = 2 });

        harness.Send(1, Udp(A, B, sourcePort: 1));
        harness.Send(1, Udp(A, B, sourcePort: 2));
        harness.Send(1, Udp(A, B, sourcePort: 1));   // flow 1 is now the most recent
        harness.Send(1, Udp(A, B, sourcePort: 3));   // no room: flow 2 ends early

        FlowRecord early = Assert.Single(Ended(monitor));
        Assert.Equal((FlowEndReason.LackOfResources, (ushort)2, 1L), (early.EndReason, early.SourcePort, early.Packets));
        Assert.Equal((1L, 2), (monitor.EvictedFlows, monitor.ActiveFlows));
        monitor.Flush();
        Assert.Equal([(ushort)1, (ushort)3], Ended(monitor).Select(record => record.SourcePort).Order());
    }

    [Fact]
    public void SamplingAccountsOneFrameInN()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored(new FlowMonitorOptions { SamplingInterval = 4 });

        harness.Send([.. Enumerable.Range(0, 12).Select(_ => (1, Udp(A, C)))]);
        monitor.Flush();

        Assert.Equal(3L, EndedUdp(monitor).Packets);
        Assert.Equal(3L, monitor.AccountedFrames);
        Assert.Equal(12, harness.Engine.Counters(1).RxFrames);
    }

    [Fact]
    public void AFullRecordRingLosesRecordsAndCountsThemWhileForwardingGoesOn()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored(new FlowMonitorOptions { RecordQueueCapacity = 2 });

        harness.Send([.. Enumerable.Range(1, 5).Select(port => (1, Udp(A, MacAddress.Broadcast, sourcePort: (ushort)port)))]);
        monitor.Flush();

        Assert.Equal(2, Ended(monitor).Count);
        Assert.Equal((5L, 3L), (monitor.ExportedFlows, monitor.LostRecords));
        Assert.Equal(10, harness.DrainEgress().Count);   // every frame flooded to two ports
    }

    [Fact]
    public void AFrameFromAnAssociatedVsiNamesItsVsi()
    {
        var config = new BridgeConfig
        {
            Ports =
            [
                new PortConfig { Name = "hv1", Vsi = new VsiAdmission { Enforced = true, Bindings = [new VsiBinding("a1412857-60f7-4ce1-e95a-2164943f53aa", A, 1)] } },
                new PortConfig { Name = "up" },
            ],
        };
        (BridgeHarness harness, FlowMonitor monitor) = Monitored(config: config);

        harness.Send(0, Udp(A, B));
        monitor.Flush();

        Assert.Equal("a1412857-60f7-4ce1-e95a-2164943f53aa", EndedUdp(monitor).Vsi);
    }

    [Fact]
    public void ARuntOrUnreadableFrameIsAccountedWithoutThrowing()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored();
        byte[] truncated = Udp(A, B)[..30];   // IPv4 header cut short

        harness.Send([(1, truncated), (1, new byte[8])]);
        monitor.Flush();

        Assert.Equal(2, Ended(monitor).Count);
        Assert.Equal(2, harness.Engine.Counters(1).RxFrames);
    }

    [Fact]
    public void AStoppedMonitorSeesNoMoreFrames()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored();
        harness.Send(1, Udp(A, B));
        harness.Engine.SetFlowMonitor(null);

        harness.Send(1, Udp(A, B));
        monitor.Flush();

        Assert.Equal(1L, EndedUdp(monitor).Packets);
    }

    [Fact]
    public void ForwardingWithAFlowMonitorRunningAllocatesNothingPerFrame()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored(new FlowMonitorOptions { Capacity = 16 });
        byte[][] frames = [.. Enumerable.Range(0, 64).Select(i => i % 3 == 0 ? Tcp(A, B, TcpFlags.Ack) : Udp(A, i % 2 == 0 ? B : MacAddress.Broadcast, sourcePort: (ushort)i))];
        int[] ports = [.. Enumerable.Repeat(1, 64)];
        var batch = new FrameBuffer[64];
        void Rounds(int rounds)
        {
            for (int round = 0; round < rounds; round++)
            {
                harness.SendRecycled(frames, ports, batch, rounds: 1);
                harness.Clock.Advance(TimeSpan.FromSeconds(1));
                monitor.Expire(harness.Clock.GetTimestamp());
                while (monitor.Records.TryRead(out _))
                {
                }
            }
        }
        Rounds(20);   // warm-up: one-time costs (first calls, tiering) are not per frame

        long allocated = AllocationProbe.LeastOf(3, () => Rounds(50));

        Assert.Equal(0L, allocated);
        Assert.True(monitor.EvictedFlows > 0);   // a full cache was part of it
        Assert.Equal(170 * 64, monitor.AccountedFrames);
    }

    [Fact]
    public void TheBusiestActiveFlowsComeMostPacketsFirstAndStayActive()
    {
        (BridgeHarness harness, FlowMonitor monitor) = Monitored();
        harness.Send([.. Enumerable.Range(0, 3).Select(_ => (1, Udp(A, B, sourcePort: 1000))), .. Enumerable.Range(0, 5).Select(_ => (1, Udp(A, B, sourcePort: 2000))), (1, Udp(A, B, sourcePort: 3000))]);

        List<FlowRecord> busiest = monitor.Busiest(2);

        Assert.Equal([(2000, 5L), (1000, 3L)], busiest.Select(flow => ((int)flow.SourcePort, flow.Packets)));
        Assert.Equal(3, monitor.ActiveFlows);   // looked at, not ended
        Assert.Empty(Ended(monitor));
    }
}
