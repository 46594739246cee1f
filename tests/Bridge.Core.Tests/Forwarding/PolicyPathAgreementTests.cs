// The engine's policy fast path (BridgeEngine.PolicyPath.cs: known unicast from ports with an ingress
// ACL and ingress QoS) must be invisible: random IP traffic through ports with ACLs (denies, rule
// actions: class, remark, police, count, mirror), DSCP trust, port, VM and rule policers, VM ACLs and
// egress ACLs, malformed headers among it, sent to two engines, one forwarding with
// ProcessBatch(frames) (live batches take the fast paths) and one with ProcessBatch(frames,
// dispositions) (only the general path), must leave the same frames on the same queues in the same
// classes and end with the same port counters, FDB, ACL hit counters, policer colors and named counters,
// while ports' links go down and come back now and then (BridgeEngine.SetLinkUp) on both alike.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qos;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using static Hairpin.Bridge.Core.Tests.Forwarding.PathAgreement;

namespace Hairpin.Bridge.Core.Tests.Forwarding;

public sealed class PolicyPathAgreementTests
{
    private const int FramesPerRun = 6_000;
    private static readonly string[] AclNames = ["in", "strict", "vm"];
    private static readonly string[] MeterNames = ["slow", "two", "fast", "aware"];

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(20261205)]
    public void LiveAndReportingBatchesAgreeUnderAclsAndQos(int seed)
    {
        var random = new Random(seed);
        var hosts = Enumerable.Range(1, 12).Select(i => new MacAddress(0x02_00_00_00_00_00UL | (uint)i)).ToArray();
        BridgeConfig config = RandomConfig(random, hosts);
        var options = new BridgeEngineOptions { EgressQueueCapacity = 8 };
        var live = new BridgeHarness(config, poolSize: 8192, options);
        var general = new BridgeHarness(config, poolSize: 8192, options);
        int sent = 0;
        long delivered = 0;
        var links = new Random(seed + 1);   // links come and go on a stream of their own, so the traffic's stays as it was
        while (sent < FramesPerRun)
        {
            if (links.Next(20) == 0)
            {
                int port = links.Next(config.Ports.Count);
                bool up = links.Next(3) != 0;
                live.Engine.SetLinkUp(port, up);
                general.Engine.SetLinkUp(port, up);
            }
            if (random.Next(25) == 0)
            {
                config = RandomConfig(random, hosts);
                live.Engine.Publish(config);
                general.Engine.Publish(config);
            }
            if (random.Next(4) == 0)
            {
                var by = TimeSpan.FromMilliseconds(random.Next(1, 50));
                live.Advance(by);
                general.Advance(by);
            }
            // Most batches come in on one port, as a NIC's do, so the policy batch loop runs; the rest are mixed.
            int batchPort = random.Next(config.Ports.Count);
            bool onePort = random.Next(4) != 0;
            var batch = new List<(int, byte[])>();
            int batchSize = random.Next(1, 65);
            for (int i = 0; i < batchSize; i++)
            {
                batch.Add((onePort ? batchPort : random.Next(config.Ports.Count), RandomIpFrame(random, hosts, sent + i)));
            }
            live.Send(batch);
            general.SendFor(batch);
            sent += batchSize;
            string where = $"seed {seed}, after {sent} frames";
            List<Delivered> expected = general.DrainEgress();
            AssertSameFrames(expected, live.DrainEgress(), where);
            AssertSameFrames(general.DrainControlPlane(), live.DrainControlPlane(), where);
            delivered += expected.Count;
            AssertSamePolicyCounters(general.Engine, live.Engine, config, where);
        }
        for (int port = 0; port < config.Ports.Count; port++)
        {
            AssertSameCounters(general.Engine.Counters(port), live.Engine.Counters(port), $"seed {seed}, port {port}");
        }
        Assert.Equal(general.Engine.Fdb.Snapshot(), live.Engine.Fdb.Snapshot());
        Assert.Equal(general.Pool.AvailableCount, live.Pool.AvailableCount);
        Assert.Equal(live.Pool.TotalCount, live.Pool.AvailableCount);
        // The runs must have forwarded, denied, policed and dropped malformed headers, or they prove little.
        long Total(Func<PortCounters, long> of) => Enumerable.Range(0, config.Ports.Count).Sum(p => of(live.Engine.Counters(p)));
        Assert.True(delivered > FramesPerRun / 10, $"seed {seed}: only {delivered} copies delivered");
        Assert.True(Total(c => c.TxUnicast) > FramesPerRun / 20, $"seed {seed}: little known unicast");
        Assert.True(Total(c => c.DroppedFor(DropReason.AclDenied)) > 0, $"seed {seed}: no ACL denied anything");
        Assert.True(Total(c => c.DroppedFor(DropReason.Policed)) > 0, $"seed {seed}: no policer dropped anything");
        Assert.True(Total(c => c.DroppedFor(DropReason.MalformedHeaders)) > 0, $"seed {seed}: no malformed headers");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(9)]
    [InlineData(14)]
    [InlineData(33)]
    public void RepeatedFlowsAgreeWhicheverHeaderFieldVaries(int seed)
    {
        // A few flows again and again, each frame with one more field changed: the policy run answers
        // repeated flows from its cache by header bytes, so every field a rule can match (DSCP, PCP,
        // VID, TCP flags, protocol, ports, ingress port) must tell flows apart there, and every field no
        // rule matches (ECN, DEI, TTL, identification, lengths, sequence numbers, bytes past the frame)
        // must not make the same flow decide differently. Two ports share the ACL (the ingress port
        // is part of the key); a third, without an ACL, trusts DSCP in IPv4 and IPv6. The FDB changes now
        // and then (the run keeps the FDB's answers per flow while its layout stands).
        var random = new Random(seed);
        MacAddress[] hosts = [.. Enumerable.Range(1, 6).Select(i => new MacAddress(0x02_00_00_00_00_00UL | (uint)i))];
        AclRule[] rules =
        [
            new("syn-cs1", AclVerdict.Deny, new AclMatch { Protocol = 6, TcpFlags = 0x02, TcpFlagsMask = 0x12, Dscp = 8 }),
            new("ef", AclVerdict.Permit, new AclMatch { Dscp = 46 }) { Actions = new AclActions { TrafficClass = 5, Police = "fast" } },
            new("pcp3", AclVerdict.Permit, new AclMatch { Pcp = 3 }) { Actions = new AclActions { TrafficClass = 2 } },
            new("ssh20", AclVerdict.Deny, new AclMatch { Vid = 20, Protocol = 6, DestinationPorts = PortRange.Exactly(22) }),
            new("p1-udp", AclVerdict.Permit, new AclMatch { IngressPort = "p1", Protocol = 17 }) { Actions = new AclActions { TrafficClass = 1, Police = "other" } },
            new("established", AclVerdict.Permit, new AclMatch { Protocol = 6, Established = true }) { Actions = new AclActions { TrafficClass = 6 } },
            new("dns", AclVerdict.Deny, new AclMatch { Protocol = 17, DestinationPorts = PortRange.Exactly(53) }),
        ];
        PortQos Qos(QosTrust trust) => new() { Trust = trust, Policer = "port", Scheduler = new EgressSchedulerConfig { Weights = [1, 2, 1, 1, 1, 3, 1, 1] } };
        var config = new BridgeConfig
        {
            Ports =
            [
                new PortConfig { Name = "p0", Vlans = PortVlans.Trunk(VlanSet.Of(10, 20), nativeVid: 10), IngressAcl = "flows", Qos = Qos(QosTrust.Dscp) },
                new PortConfig { Name = "p1", Vlans = PortVlans.Trunk(VlanSet.Of(10, 20), nativeVid: 10), IngressAcl = "flows", Qos = Qos(QosTrust.Pcp) },
                new PortConfig { Name = "p2", Vlans = PortVlans.Trunk(VlanSet.Of(10, 20), nativeVid: 10), Qos = Qos(QosTrust.Dscp) },
            ],
            Meters =
            [
                new MeterConfig { Name = "port", CommittedRateBitsPerSecond = 10_000_000_000, CommittedBurstBytes = 1_000_000 },
                new MeterConfig { Name = "fast", CommittedRateBitsPerSecond = 10_000_000_000, CommittedBurstBytes = 1_000_000 },
                new MeterConfig { Name = "other", CommittedRateBitsPerSecond = 4_000_000, CommittedBurstBytes = 6_000, ExcessBurstBytes = 3_000, Yellow = ColorAction.Remark(pcp: 1) },
            ],
            Acls = [new AccessList { Name = "flows", DefaultVerdict = AclVerdict.Permit, Rules = rules }],
        };
        var options = new BridgeEngineOptions { EgressQueueCapacity = 64 };
        var live = new BridgeHarness(config, poolSize: 8192, options);
        var general = new BridgeHarness(config, poolSize: 8192, options);
        // Each host sits behind port (index % 3), and sends from there but now and then (a move).
        ushort[] services = [22, 53, 80, 4789];
        var flows = Enumerable.Range(0, 16).Select(i => (Source: i % hosts.Length, Destination: (i + 1 + (i / 6)) % hosts.Length, Tcp: i % 2 == 0,
            SourcePort: (ushort)(1024 + i), DestinationPort: services[(i / 2) % services.Length])).ToArray();
        int sent = 0;
        for (int round = 0; round < 400; round++)
        {
            int changed = -1;
            if (random.Next(8) == 0)
            {
                var by = TimeSpan.FromMilliseconds(random.Next(1, 400));
                live.Advance(by);
                general.Advance(by);
            }
            if (random.Next(10) == 0)
            {
                // The FDB changes between batches (the run keeps its answers per flow while its layout stands).
                changed = random.Next(hosts.Length);
                MacAddress host = hosts[changed];
                int change = random.Next(3);
                int flushed = random.Next(3);
                foreach (FdbTable fdb in new[] { live.Engine.Fdb, general.Engine.Fdb })
                {
                    switch (change)
                    {
                        case 0:
                            fdb.Remove(10, host);
                            break;
                        case 1:
                            fdb.Flush(port: flushed);
                            break;
                        default:
                            fdb.AddPermanent(10, host, (int)(host.Value % 3), FdbEntryKind.Sticky, now: 0);
                            break;
                    }
                }
            }
            int batchPort = random.Next(3);
            var batch = new List<(int, byte[])>();
            int toChanged = Array.FindIndex(flows, flow => flow.Destination == changed);
            if (toChanged >= 0)
            {
                // First, a frame to the host whose entry just changed (a stale answer would send it on).
                var flow = flows[toChanged];
                batchPort = flow.Source % 3;
                batch.Add((batchPort, VariedFrame(random, hosts[flow.Source], hosts[changed], flow.Tcp, flow.SourcePort, flow.DestinationPort, sent++)));
            }
            for (int i = random.Next(1, 40); i > 0; i--)
            {
                var flow = flows[random.Next(flows.Length)];
                int port = random.Next(30) == 0 ? random.Next(3) : flow.Source % 3;
                if (port != batchPort && random.Next(4) != 0)
                {
                    continue;   // mostly one port's frames in a batch, as a NIC gives them
                }
                batch.Add((port, VariedFrame(random, hosts[flow.Source], hosts[flow.Destination], flow.Tcp, flow.SourcePort, flow.DestinationPort, sent++)));
            }
            live.Send(batch);
            general.SendFor(batch);
            string where = $"seed {seed}, round {round}";
            AssertSameFrames(general.DrainEgress(), live.DrainEgress(), where);
            AssertSameFrames(general.DrainControlPlane(), live.DrainControlPlane(), where);
            AssertSamePolicyCounters(general.Engine, live.Engine, config, where);
        }
        for (int port = 0; port < config.Ports.Count; port++)
        {
            AssertSameCounters(general.Engine.Counters(port), live.Engine.Counters(port), $"seed {seed}, port {port}");
        }
        Assert.Equal(general.Engine.Fdb.Snapshot(), live.Engine.Fdb.Snapshot());
        Assert.Equal(live.Pool.TotalCount, live.Pool.AvailableCount);
        CompiledAcl acl = live.Engine.Acl("flows")!;
        Assert.All(Enumerable.Range(0, rules.Length + 1), rule => Assert.True(acl.HitFrames(rule) > 0, $"seed {seed}: rule {rule} never decided"));
    }

    /// <summary>One frame of a flow, every field no flow is told apart by drawn anew, and DSCP, PCP, VID and TCP flags drawn from few values.</summary>
    private static byte[] VariedFrame(Random random, MacAddress source, MacAddress destination, bool tcp, ushort sourcePort, ushort destinationPort, int id)
    {
        var builder = new FrameBuilder().From(source).To(destination);
        if (random.Next(3) != 0)
        {
            builder.Tag(new[] { 0, 10, 20 }[random.Next(3)], new[] { 0, 3, 5 }[random.Next(3)], dei: random.Next(4) == 0);
        }
        int dscp = new[] { 0, 8, 46 }[random.Next(3)];
        if (random.Next(10) == 0)
        {
            var address = new byte[16];
            address[15] = (byte)random.Next(4);
            var ipv6 = builder.Ipv6(address, address, 17, new byte[16]).Build();
            int at = ipv6.Length - 16 - 40;
            BinaryPrimitives.WriteUInt32BigEndian(ipv6.AsSpan(at), 0x6000_0000u | ((uint)dscp << 22) | (uint)random.Next(1 << 20));
            return ipv6;
        }
        byte[] frame;
        if (tcp)
        {
            var segment = new byte[20 + random.Next(3) * 4];
            BinaryPrimitives.WriteUInt16BigEndian(segment, sourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), destinationPort);
            BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), (uint)random.Next());   // sequence number
            segment[12] = (byte)((segment.Length / 4) << 4);
            segment[13] = new byte[] { 0x02, 0x10, 0x12, 0x18 }[random.Next(4)];
            frame = builder.Ipv4(0x0A000000 | (uint)destinationPort, 0x0A000100 | (uint)sourcePort, 6, segment, fragment: random.Next(2) == 0 ? (ushort)0x4000 : (ushort)0).Build();
        }
        else
        {
            frame = builder.Ipv4Udp(0x0A000000 | (uint)destinationPort, 0x0A000100 | (uint)sourcePort, sourcePort, destinationPort, payloadSize: random.Next(18, 80), dscp: dscp, ecn: random.Next(4)).Build();
        }
        int ip = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == EtherTypes.CustomerVlan ? 18 : 14;
        frame[ip + 1] = (byte)((dscp << 2) | random.Next(4));   // DSCP and ECN
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(ip + 4), (ushort)id);   // identification
        frame[ip + 8] = (byte)random.Next(1, 256);   // TTL
        return frame;
    }

    [Fact]
    public void PolicyFastPathAllocatesNothingPerFrame()
    {
        // The benchmark's case: DSCP trust, a port policer and an ACL whose matching rule sets a class and polices.
        AclRule[] rules =
        [
            new("dns", AclVerdict.Deny, new AclMatch { Protocol = 17, DestinationPorts = PortRange.Exactly(53) }),
            new("net", AclVerdict.Permit, new AclMatch { Source = IpPrefix.Parse("10.0.0.0/24") }) { Actions = new AclActions { TrafficClass = 4, Police = "acl" } },
        ];
        var harness = new BridgeHarness(new BridgeConfig
        {
            Ports =
            [
                new PortConfig { Name = "p0", IngressAcl = "policy", Qos = new PortQos { Trust = QosTrust.Dscp, Policer = "port" } },
                new PortConfig { Name = "p1" },
            ],
            Meters =
            [
                new MeterConfig { Name = "port", CommittedRateBitsPerSecond = 400_000_000_000, CommittedBurstBytes = 1_000_000 },
                new MeterConfig { Name = "acl", CommittedRateBitsPerSecond = 400_000_000_000, CommittedBurstBytes = 1_000_000 },
            ],
            Acls = [new AccessList { Name = "policy", DefaultVerdict = AclVerdict.Deny, Rules = rules }],
        });
        MacAddress Host(int port, int index) => new(0x02_00_00_00_00_00UL | ((ulong)port << 24) | (uint)index);
        harness.Send(1, new FrameBuilder().From(Host(1, 0)).To(Host(0, 0)).Payload(new byte[46]).Build());
        harness.DrainEgress();
        byte[][] frames = [.. Enumerable.Range(0, 64).Select(i => new FrameBuilder().From(Host(0, i)).To(Host(1, 0))
            .Ipv4Udp(0x0A000000 | (uint)i, 0x0A000100, 40000, i % 8 == 0 ? (ushort)53 : (ushort)4789, dscp: i % 2 == 0 ? 46 : 0).Build())];
        int[] ports = [.. Enumerable.Repeat(0, 64)];
        var batch = new FrameBuffer[64];
        harness.SendRecycled(frames, ports, batch, rounds: 100);   // warm-up: the JIT's tiering and first calls are one-time costs

        long allocated = AllocationProbe.LeastOf(3, () => harness.SendRecycled(frames, ports, batch, rounds: 50));

        Assert.Equal(0, allocated);
        Assert.Equal(250 * 56, harness.Engine.Acl("policy")!.HitFrames(1));   // the permitting rule, 56 of each 64 frames
        Assert.Equal(250 * 8, harness.Engine.Counters(0).DroppedFor(DropReason.AclDenied));
    }

    /// <summary>Four forwarding ports; each may trust DSCP or PCP, police, and filter with an ACL; VM ACLs and policers on some.</summary>
    private static BridgeConfig RandomConfig(Random random, MacAddress[] hosts)
    {
        var ports = new PortConfig[4];
        for (int i = 0; i < ports.Length; i++)
        {
            ports[i] = new PortConfig
            {
                Name = $"p{i}",
                Hairpin = random.Next(4) == 0,
                Vlans = random.Next(3) == 0 ? PortVlans.Access(10) : PortVlans.Trunk(VlanSet.Of(10, 20), nativeVid: 10),
                IngressAcl = random.Next(4) != 0 ? AclNames[random.Next(2)] : null,
                EgressAcl = random.Next(6) == 0 ? "strict" : null,
                Qos = new PortQos
                {
                    Trust = (QosTrust)random.Next(3),
                    DefaultPriority = random.Next(8),
                    Policer = random.Next(2) == 0 ? MeterNames[random.Next(MeterNames.Length)] : null,
                    Scheduler = new EgressSchedulerConfig { Weights = [1, 2, 1, 1, 1, 3, 1, 1] },
                },
            };
        }
        return new BridgeConfig
        {
            Ports = ports,
            Meters =
            [
                new MeterConfig { Name = "slow", CommittedRateBitsPerSecond = 400_000, CommittedBurstBytes = 3_000, ExcessBurstBytes = 2_000,
                    Yellow = ColorAction.Remark(pcp: 1, dscp: 10) },
                new MeterConfig { Name = "two", Kind = MeterKind.TwoRate, CommittedRateBitsPerSecond = 800_000, CommittedBurstBytes = 2_000,
                    PeakRateBitsPerSecond = 1_600_000, PeakBurstBytes = 4_000, Yellow = ColorAction.Remark(dscp: 12) },
                new MeterConfig { Name = "fast", CommittedRateBitsPerSecond = 10_000_000_000, CommittedBurstBytes = 1_000_000 },
                new MeterConfig { Name = "aware", CommittedRateBitsPerSecond = 2_000_000, CommittedBurstBytes = 4_000, ExcessBurstBytes = 4_000,
                    ColorAware = true, Yellow = ColorAction.Remark(pcp: 2) },
            ],
            Acls = [RandomAcl(random, "in"), RandomAcl(random, "strict"), RandomAcl(random, "vm")],
            VmAcls = random.Next(2) == 0 ? [new VmAclBinding("p1", hosts[1], "vm", Vid: 10)] : [],
            VmPolicers = random.Next(3) == 0 ? [new VmPolicerBinding("p2", hosts[2], "slow", Vid: 10)] : [],
        };
    }

    /// <summary>Rules over the fields the random frames vary, with every kind of action; some deny.</summary>
    private static AccessList RandomAcl(Random random, string name)
    {
        var candidates = new List<AclRule>
        {
            new("dns", AclVerdict.Deny, new AclMatch { Protocol = 17, DestinationPorts = PortRange.Exactly(53) }),
            new("ssh", random.Next(2) == 0 ? AclVerdict.Deny : AclVerdict.Permit, new AclMatch { Protocol = 6, DestinationPorts = PortRange.Exactly(22) }),
            new("ef", AclVerdict.Permit, new AclMatch { Dscp = 46 }) { Actions = new AclActions { TrafficClass = 6, Police = "two" } },
            new("web", AclVerdict.Permit, new AclMatch { Protocol = 6, DestinationPorts = PortRange.Exactly(80) }) { Actions = new AclActions { RemarkDscp = 18, Count = "web" } },
            new("net", AclVerdict.Permit, new AclMatch { Source = IpPrefix.Parse("10.0.0.0/25") }) { Actions = new AclActions { TrafficClass = 3, Police = MeterNames[random.Next(MeterNames.Length)], RemarkPcp = random.Next(8) } },
            new("mirror", AclVerdict.Permit, new AclMatch { Destination = IpPrefix.Parse("10.0.1.0/28") }) { Actions = new AclActions { Mirror = "p3" } },
            new("vm", AclVerdict.Permit, new AclMatch { SourceMac = new MacAddress(0x02_00_00_00_00_03UL) }) { Actions = new AclActions { TrafficClass = 2 } },
            new("udp", AclVerdict.Permit, new AclMatch { Protocol = 17 }) { Actions = new AclActions { Police = "slow" } },
        };
        return new AccessList
        {
            Name = name,
            DefaultVerdict = random.Next(3) == 0 ? AclVerdict.Deny : AclVerdict.Permit,
            Rules = [.. candidates.Where(_ => random.Next(3) != 0)],
        };
    }

    /// <summary>Mostly well-formed IPv4 UDP and TCP between known hosts, some tagged; some malformed, some not IP, some flooded.</summary>
    private static byte[] RandomIpFrame(Random random, MacAddress[] hosts, int id)
    {
        MacAddress source = random.Next(40) == 0 ? MacAddress.Zero : hosts[random.Next(hosts.Length)];
        MacAddress destination = random.Next(15) switch
        {
            0 => MacAddress.Broadcast,
            1 => new MacAddress(0x02_00_00_00_00_F0UL),   // never learned: floods
            _ => hosts[random.Next(hosts.Length)],
        };
        var builder = new FrameBuilder().From(source).To(destination);
        switch (random.Next(8))
        {
            case 0: builder.Tag(random.Next(2) == 0 ? 10 : 20, random.Next(8), dei: random.Next(3) == 0); break;
            case 1: builder.Tag(0, random.Next(8)); break;
            case 2: builder.ServiceTag(100); break;
            default: break;
        }
        uint sourceIp = 0x0A000000 | (uint)random.Next(256);
        uint destinationIp = 0x0A000100 | (uint)random.Next(32);
        ushort[] services = [53, 22, 80, 443, 4789];
        ushort port = services[random.Next(services.Length)];
        int dscp = random.Next(3) == 0 ? 46 : random.Next(64);
        byte[] frame;
        switch (random.Next(12))
        {
            case 0:
                frame = builder.Payload(new byte[60]).Build();   // not IP: the ACL's general classifier
                break;
            case 1:
                var tcp = new byte[20 + random.Next(30)];
                BinaryPrimitives.WriteUInt16BigEndian(tcp, (ushort)random.Next(1024, 65535));
                BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), port);
                tcp[12] = 0x50;
                tcp[13] = (byte)random.Next(64);
                frame = builder.Ipv4(sourceIp, destinationIp, 6, tcp, fragment: random.Next(4) == 0 ? (ushort)0x2000 : (ushort)0).Build();
                break;
            default:
                frame = builder.Ipv4Udp(sourceIp, destinationIp, (ushort)random.Next(1024, 65535), port, payloadSize: random.Next(18, 120), dscp: dscp).Build();
                break;
        }
        int ip = frame.Length > 16 && BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(12)) == EtherTypes.CustomerVlan ? 18 : 14;
        switch (random.Next(14))
        {
            case 0 when frame.Length > ip + 4:
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(ip + 2), 4000);   // total length beyond the frame
                break;
            case 1 when frame.Length > ip + 40:
                frame[ip] = 0x46;   // an IPv4 header with options
                break;
            case 2:
                frame = frame[..Math.Min(frame.Length, ip + 24)];   // cut inside the transport header
                break;
        }
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(frame.Length - 2), (ushort)id);
        return frame;
    }

    private static void AssertSamePolicyCounters(BridgeEngine expected, BridgeEngine actual, BridgeConfig config, string where)
    {
        foreach (AccessList list in config.Acls)
        {
            CompiledAcl? want = expected.Acl(list.Name);
            CompiledAcl? got = actual.Acl(list.Name);
            Assert.Equal(want is null, got is null);
            for (int rule = 0; want is not null && rule <= list.Rules.Count; rule++)
            {
                Assert.True(want.HitFrames(rule) == got!.HitFrames(rule) && want.HitBytes(rule) == got.HitBytes(rule), $"{where}: acl {list.Name} rule {rule} hits differ");
            }
        }
        foreach (MeterConfig meter in config.Meters)
        {
            for (var color = MeterColor.Green; color <= MeterColor.Red; color++)
            {
                Assert.True(expected.Policer(meter.Name)!.Frames(color) == actual.Policer(meter.Name)!.Frames(color)
                    && expected.Policer(meter.Name)!.Bytes(color) == actual.Policer(meter.Name)!.Bytes(color), $"{where}: meter {meter.Name} {color} differs");
            }
        }
        Assert.Equal(expected.NamedCounter("web"), actual.NamedCounter("web"));
    }
}
