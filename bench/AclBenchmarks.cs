// Forwarding through an ingress ACL of 10, 1,000 and 10,000 rules. Repeating flows are answered by
// the exact-match cache; a new flow every frame (source port rotating) makes every lookup a tuple
// space search, which is what must stay flat as the rule count grows.
using BenchmarkDotNet.Attributes;
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Benchmarks;

[MemoryDiagnoser]
public class AclBenchmarks
{
    private const int Hosts = 64;
    private BenchBridge _bridge = null!;
    private ushort _nextSourcePort = 1024;

    [Params(10, 1_000, 10_000)]
    public int Rules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var acl = new AccessList { Name = "policy", DefaultVerdict = AclVerdict.Deny, Rules = RealisticRules(Rules) };
        _bridge = new BenchBridge(BenchBridge.Ports(2) with
        {
            Ports = [new PortConfig { Name = "p0", IngressAcl = "policy" }, new PortConfig { Name = "p1" }],
            Acls = [acl],
        });
        _bridge.Learn(0, Hosts);
        _bridge.Learn(1, Hosts);
        _bridge.FillBatch(0, i => new FrameBuilder().From(BenchBridge.Host(0, i % Hosts)).To(BenchBridge.Host(1, (i * 7) % Hosts))
            .Ipv4Udp(0xA9FE0000 | (uint)(i % Hosts), 0xA9FE0100 | (uint)((i * 7) % Hosts), 40000, 4789, payloadSize: 18).Build());
    }

    /// <summary>Rules of the shapes engineers write (hosts, subnets, services, ranges), none matching the
    /// benchmark's traffic except the last, so every lookup has to look past all the others.</summary>
    internal static AclRule[] RealisticRules(int count)
    {
        var random = new Random(7);
        var rules = new AclRule[count];
        for (int i = 0; i < count - 1; i++)
        {
            var match = (i % 4) switch
            {
                0 => new AclMatch { Protocol = 6, Source = IpPrefix.Parse($"10.{random.Next(256)}.{random.Next(256)}.{random.Next(256)}/32"), DestinationPorts = PortRange.Exactly((ushort)random.Next(1, 1024)) },
                1 => new AclMatch { Protocol = 17, Destination = IpPrefix.Parse($"10.{random.Next(256)}.{random.Next(256)}.0/24"), DestinationPorts = new PortRange(1024, 65535) },
                2 => new AclMatch { SourceMac = new MacAddress(0x0A_00_00_00_00_00UL | (uint)random.Next()) },
                _ => new AclMatch { Protocol = 6, Source = IpPrefix.Parse($"172.16.{random.Next(256)}.0/24"), Destination = IpPrefix.Parse($"172.17.{random.Next(256)}.0/24"), Established = true },
            };
            rules[i] = new AclRule($"r{i}", i % 2 == 0 ? AclVerdict.Deny : AclVerdict.Permit, match);
        }
        rules[count - 1] = new AclRule("link-local", AclVerdict.Permit, new AclMatch { Source = IpPrefix.Parse("169.254.0.0/16") });
        return rules;
    }

    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void RepeatingFlows()
    {
        _bridge.Engine.ProcessBatch(_bridge.Batch);
        _bridge.Recycle(originalsPort: 1, ingressPort: 0);
    }

    [Benchmark(OperationsPerInvoke = BenchBridge.BatchSize)]
    public void NewFlowEveryFrame()
    {
        foreach (var frame in _bridge.Batch)
        {
            // UDP source port: 14 (Ethernet) + 20 (IPv4) bytes in; a new one per frame defeats the cache.
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.Span[34..], _nextSourcePort = (ushort)(_nextSourcePort == 65535 ? 1024 : _nextSourcePort + 1));
        }
        _bridge.Engine.ProcessBatch(_bridge.Batch);
        _bridge.Recycle(originalsPort: 1, ingressPort: 0);
    }
}
