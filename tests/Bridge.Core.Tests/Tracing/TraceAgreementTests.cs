// The trace must agree with the real receive path. Random frames through a bridge with every
// feature the trace explains (hairpin, isolation, flood flags, access and trunk ports, ingress,
// egress and VM ACLs with deny rules, port security, BPDU guard, storm control, the ping-pong
// guard, an 802.1Qbg port admitting only its VSIs): each is traced, then sent alone through ProcessBatch on the same engine, and what really
// happened (copies per port, drop counters, the control-plane queue) must be what the trace said.
// A failure prints its seed and the trace; rerun that seed to reproduce.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Tests.Infrastructure;
using Hairpin.Bridge.Core.Tracing;

namespace Hairpin.Bridge.Core.Tests.Tracing;

public sealed class TraceAgreementTests
{
    private const int FramesPerRun = 3_000;
    private static readonly MacAddress[] Hosts = [.. Enumerable.Range(1, 6).Select(i => new MacAddress(0x52_54_00_00_00_00UL | (uint)i))];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(20260101)]
    public void TheTracePredictsWhatProcessBatchDoesWithEveryRandomFrame(int seed)
    {
        var random = new Random(seed);
        BridgeConfig config = RandomConfig(random);
        var harness = new BridgeHarness(config);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        byte[]? previous = null;
        int previousPort = 0;
        int[] previousDelivered = [];
        int storm = 0;
        for (int i = 0; i < FramesPerRun; i++)
        {
            storm = storm > 0 ? storm - 1 : random.Next(300) == 0 ? 30 : 0;
            Tick(harness, random, storm > 0);
            (int port, byte[] frame) = storm > 0
                ? (3, new FrameBuilder().From(Hosts[random.Next(Hosts.Length)]).To(MacAddress.Broadcast).Tag(10).Build())   // a broadcast storm on hv4
                : random.Next(12) == 0 && previous is not null
                ? (random.Next(2) == 0 || previousDelivered.Length == 0 ? previousPort : previousDelivered[random.Next(previousDelivered.Length)], previous)   // the host repeats it, or a neighbour sends a copy back: for the ping-pong guard
                : (random.Next(config.Ports.Count), RandomFrame(random));

            FrameTrace trace = harness.Engine.Trace(port, frame);
            Outcome before = Outcome.Read(harness, config.Ports.Count);
            harness.Send(port, frame);
            var delivered = harness.DrainEgress().Select(copy => copy.Port).Order().ToArray();
            (previous, previousPort, previousDelivered) = (frame, port, delivered);
            int trapped = harness.DrainControlPlane().Count;
            Outcome after = Outcome.Read(harness, config.Ports.Count);

            string context = $"seed {seed}, frame {i} on port {port}:\n  " + string.Join("\n  ", trace.Stages.Select(s => $"{s.Name}: {s.Text}"));
            Check(trace, port, before, after, delivered, trapped, context);
            seen.Add(trace.Verdict.Reason is DropReason reason ? DropReasons.Name(reason) : trace.Verdict.Outcome.ToString());
            seen.UnionWith(trace.Egress.Where(e => !e.Delivered).Select(e => "egress " + DropReasons.Name(e.Drop!.Value)));
        }
        // The run must have met what it checks, or it proves nothing.
        foreach (string expected in new[] { "Forwarded", "Trapped", "acl-denied", "reflective-relay-off", "tagged-on-access-port", "bpdu-guard", "port-security-violation", "egress acl-denied", "storm-broadcast", "ping-pong", "vsi-not-associated" })
        {
            Assert.True(seen.Contains(expected), $"seed {seed}: no frame traced as {expected}; seen: {string.Join(", ", seen)}");
        }
    }

    private static void Check(FrameTrace trace, int port, Outcome before, Outcome after, int[] delivered, int trapped, string context)
    {
        long[] ingressDrops = after.Dropped[port].Zip(before.Dropped[port], (a, b) => a - b).ToArray();
        switch (trace.Verdict.Outcome)
        {
            case TraceOutcome.Dropped:
                DropReason reason = trace.Verdict.Reason!.Value;
                Assert.True(ingressDrops[(int)reason] == 1 && ingressDrops.Sum() == 1 && delivered.Length == 0 && trapped == 0,
                    $"{context}\n traced: drop {DropReasons.Name(reason)}; real: {Describe(ingressDrops, delivered, trapped)}");
                break;
            case TraceOutcome.Trapped:
                Assert.True(trapped == 1 && ingressDrops.Sum() == 0 && delivered.Length == 0, $"{context}\n traced: trapped; real: {Describe(ingressDrops, delivered, trapped)}");
                break;
            default:
                Assert.True(ingressDrops.Sum() == 0 && trapped == 0 && delivered.SequenceEqual(trace.Verdict.Ports),
                    $"{context}\n traced: to [{string.Join(",", trace.Verdict.Ports)}]; real: {Describe(ingressDrops, delivered, trapped)}");
                for (int egress = 0; egress < after.EgressDropped.Length; egress++)
                {
                    DropReason? traced = trace.Egress.FirstOrDefault(e => e.Port == egress)?.Drop;
                    long[] real = after.EgressDropped[egress].Zip(before.EgressDropped[egress], (a, b) => a - b).ToArray();
                    Assert.True(traced is DropReason r ? real[(int)r] == 1 && real.Sum() == 1 : real.Sum() == 0,
                        $"{context}\n port {egress}: traced egress drop {traced}; real egress drops [{string.Join(",", real)}]");
                }
                break;
        }
    }

    private static string Describe(long[] drops, int[] delivered, int trapped) =>
        $"drops [{string.Join(", ", drops.Select((n, r) => (n, r)).Where(x => x.n != 0).Select(x => DropReasons.Name((DropReason)x.r)))}], " +
        $"copies to [{string.Join(",", delivered)}], trapped {trapped}";

    private sealed record Outcome(long[][] Dropped, long[][] EgressDropped)
    {
        public static Outcome Read(BridgeHarness harness, int ports) => new(
            [.. Enumerable.Range(0, ports).Select(p => harness.Engine.Counters(p).Dropped.ToArray())],
            [.. Enumerable.Range(0, ports).Select(p => harness.Engine.Counters(p).EgressDropped.ToArray())]);
    }

    /// <summary>Time moves on: usually microseconds (storm meters, ping-pong window), sometimes past BPDU guard's hold.</summary>
    private static void Tick(BridgeHarness harness, Random random, bool storm)
    {
        harness.Advance(storm ? TimeSpan.FromMicroseconds(10) : random.Next(50) switch
        {
            0 => TimeSpan.FromSeconds(random.Next(20, 70)),
            < 10 => TimeSpan.FromMilliseconds(random.Next(1, 300)),
            _ => TimeSpan.FromMicroseconds(random.Next(1, 50)),
        });
        if (random.Next(200) == 0)
        {
            for (int port = 0; port < harness.Engine.Config.Ports.Count; port++)
            {
                harness.Engine.RecoverPort(port);   // an operator brings back ports port security took down
            }
        }
        if (random.Next(100) == 0)
        {
            harness.Engine.SweepFdb();
        }
    }

    private static BridgeConfig RandomConfig(Random random)
    {
        var deny = new AccessList
        {
            Name = "deny-some",
            DefaultVerdict = AclVerdict.Permit,
            Rules =
            [
                new AclRule("deny-h1-h2", AclVerdict.Deny, new AclMatch { SourceMac = Hosts[0], DestinationMac = Hosts[1] }),
                new AclRule("allow-arp", AclVerdict.Permit, new AclMatch { EtherType = EtherTypes.Arp }),
                new AclRule("deny-udp-53", AclVerdict.Deny, new AclMatch { Protocol = 17, DestinationPorts = PortRange.Exactly(53) }),
                new AclRule("deny-vlan-20", AclVerdict.Deny, new AclMatch { Vid = 20 }),
            ],
        };
        var webOnly = new AccessList
        {
            Name = "web-only",
            Rules =
            [
                new AclRule("allow-http", AclVerdict.Permit, new AclMatch { Protocol = 6, DestinationPorts = PortRange.Exactly(80) }),
                new AclRule("allow-arp", AclVerdict.Permit, new AclMatch { EtherType = EtherTypes.Arp }),
                new AclRule("allow-non-ip", AclVerdict.Permit, new AclMatch { EtherType = 0x88B5 }),
            ],
        };
        bool Coin() => random.Next(2) == 0;
        PortConfig Port(string name, PortVlans vlans) => new()
        {
            Name = name,
            Vlans = vlans,
            Hairpin = Coin(),
            Isolated = random.Next(3) == 0,
            UnknownUnicastFlood = random.Next(5) != 0,
            MulticastFlood = random.Next(5) != 0,
            BroadcastFlood = random.Next(5) != 0,
            Learning = random.Next(6) != 0,
            BpduGuard = Coin(),
            MaxLearned = random.Next(3) == 0 ? 2 : 0,
        };
        return new BridgeConfig
        {
            MacMoveDamping = new MacMoveDamping { Enabled = false },   // its pins are invisible outside the FDB (specs/trace.md)
            Ports =
            [
                Port("hv1", PortVlans.Trunk(VlanSet.Of(10, 20), nativeVid: 1)) with { IngressAcl = "deny-some" },
                Port("hv2", PortVlans.Access(1)) with { EgressAcl = "deny-some", BpduGuard = true },
                Port("hv3", PortVlans.Access(10)) with
                {
                    Security = new PortSecurity
                    {
                        Enabled = true,
                        MaxMacs = 2,
                        Sticky = Coin(),
                        Violation = Coin() ? SecurityViolation.Drop : SecurityViolation.Disable,
                        AllowedMacs = [new SecureMac(Hosts[2])],
                    },
                },
                Port("hv4", PortVlans.Trunk(VlanSet.Of(1, 10, 20))) with { StormControl = new StormControl { BroadcastPps = 5, UnknownUnicastPps = 20 } },
                Port("uplink", PortVlans.Trunk(VlanSet.Of(10, 20), nativeVid: 1)) with { Hairpin = true, Isolated = false },
                Port("evb", PortVlans.Trunk(VlanSet.Of(10, 20), nativeVid: 1)) with
                {
                    // 802.1Qbg: only these may send here, and their MACs are pinned to it (h1 in VLAN 20 too,
                    // so other ports' frames from h1 there meet a static entry).
                    Vsi = new VsiAdmission
                    {
                        Enforced = true,
                        Bindings = [new VsiBinding("vm-f", Hosts[5], 1), new VsiBinding("vm-f", Hosts[5], 10), new VsiBinding("vm-a", Hosts[0], 20)],
                    },
                },
            ],
            Acls = [deny, webOnly],
            VmAcls = [new VmAclBinding("hv1", Hosts[3], "web-only"), new VmAclBinding("uplink", Hosts[4], "web-only", Vid: 10)],
        };
    }

    private static byte[] RandomFrame(Random random)
    {
        var builder = new FrameBuilder().From(random.Next(40) == 0 ? MacAddress.Parse("01:00:5e:00:00:01") : Hosts[random.Next(Hosts.Length)]);
        builder.To(random.Next(14) switch
        {
            0 => MacAddress.Broadcast,
            1 => MacAddress.Parse("01:00:5e:00:00:fb"),
            2 => MacAddress.Parse("52:54:00:00:00:99"),   // never sends: always unknown
            _ => Hosts[random.Next(Hosts.Length)],
        });
        switch (random.Next(8))
        {
            case 0:
                builder.Tag(random.Next(4) switch { 0 => 0, 1 => 10, 2 => 20, _ => 30 }, pcp: random.Next(8));
                break;
            case 1:
                builder.Tag(1, pcp: random.Next(8));
                break;
            default:
                break;
        }
        switch (random.Next(12))
        {
            case 0:
                return builder.To("01:80:c2:00:00:00").StpBpdu().Build();
            case 1:
                return builder.To("01:80:c2:00:00:0e").EtherType(EtherTypes.Lldp).Build();
            case 2:
            case 3:
                return builder.ArpRequest(0xA9FE0001, 0xA9FE0002).Build();
            case 4:
                return builder.Build();   // 0x88B5
            case 5:
                return builder.Ipv4Udp(0xA9FE0001, 0xA9FE0002, 5353, 53).Build();
            case 6:
                return Tcp(builder, 80);
            default:
                return builder.Ipv4Udp(0xA9FE0001, 0xA9FE0002, (ushort)random.Next(1024, 2048), 5000).Build();
        }
    }

    /// <summary>A UDP datagram rewritten as a minimal TCP segment (the builder has no TCP of its own).</summary>
    private static byte[] Tcp(FrameBuilder builder, ushort port)
    {
        byte[] frame = builder.Ipv4Udp(0xA9FE0001, 0xA9FE0002, 40000, port, payloadSize: 12).Build();
        int ip = frame[12] == 0x81 ? 18 : 14;
        frame[ip + 9] = 6;
        frame[ip + 10] = 0;
        frame[ip + 11] = 0;
        ushort checksum = FrameBuilder.Ipv4HeaderChecksum(frame.AsSpan(ip, 20));
        frame[ip + 10] = (byte)(checksum >> 8);
        frame[ip + 11] = (byte)checksum;
        frame[ip + 20 + 12] = 0x50;   // data offset 5 words
        frame[ip + 20 + 13] = 0x02;   // SYN
        return frame;
    }
}
