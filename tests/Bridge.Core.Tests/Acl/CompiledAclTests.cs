// The tuple space classifier against a plain linear scan written independently here: for random
// rules and random flows both must pick the same first matching rule. Plus the cases engineers write.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tests.Acl;

public sealed class CompiledAclTests
{
    private static readonly string[] NoPorts = [];

    private static CompiledAcl Compile(params AclRule[] rules) =>
        CompiledAcl.Compile(new AccessList { Name = "t", Rules = rules }, name => Array.IndexOf(NoPorts, name));

    private static FlowKey Flow(byte protocol = 6, ushort sourcePort = 40000, ushort destinationPort = 80, byte flags = 0, ulong source = 0x02_00_00_00_00_01, ulong destination = 0x02_00_00_00_00_02, uint sourceIp = 0xA9FE0001, uint destinationIp = 0xA9FE0002)
    {
        var summary = new PacketSummary
        {
            EtherType = EtherTypes.IPv4, IpVersion = 4, IpProtocol = protocol, SourceIpv4 = sourceIp, DestinationIpv4 = destinationIp,
            SourcePort = sourcePort, DestinationPort = destinationPort, TcpFlags = flags, HasTransportHeader = true,
        };
        return FlowFields.From(summary, new MacAddress(source), new MacAddress(destination), vid: 1, ingressPort: 0);
    }

    [Fact]
    public void APortRangeMatchesItsEndsAndNothingOutside()
    {
        var acl = Compile(new AclRule("web", AclVerdict.Permit, new AclMatch { Protocol = 6, DestinationPorts = new PortRange(1000, 2000) }));
        Assert.Equal(0, acl.Lookup(Flow(destinationPort: 1000)));
        Assert.Equal(0, acl.Lookup(Flow(destinationPort: 1537)));
        Assert.Equal(0, acl.Lookup(Flow(destinationPort: 2000)));
        Assert.Equal(-1, acl.Lookup(Flow(destinationPort: 999)));
        Assert.Equal(-1, acl.Lookup(Flow(destinationPort: 2001)));
    }

    [Fact]
    public void EstablishedMeansAckOrRstSet()
    {
        var acl = Compile(new AclRule("est", AclVerdict.Permit, new AclMatch { Protocol = 6, Established = true }));
        Assert.Equal(0, acl.Lookup(Flow(flags: TcpFlags.Ack)));
        Assert.Equal(0, acl.Lookup(Flow(flags: TcpFlags.Rst)));
        Assert.Equal(0, acl.Lookup(Flow(flags: TcpFlags.Ack | TcpFlags.Psh)));
        Assert.Equal(-1, acl.Lookup(Flow(flags: TcpFlags.Syn)));
    }

    [Fact]
    public void ShadowedAndImpossibleRulesAreReportedWhenTheAclLoads()
    {
        var acl = Compile(
            new AclRule("any-tcp", AclVerdict.Permit, new AclMatch { Protocol = 6 }),
            new AclRule("web", AclVerdict.Deny, new AclMatch { Protocol = 6, DestinationPorts = PortRange.Exactly(80) }),
            new AclRule("udp-flags", AclVerdict.Deny, new AclMatch { Protocol = 17, Established = true }),
            new AclRule("dns", AclVerdict.Deny, new AclMatch { Protocol = 17, DestinationPorts = PortRange.Exactly(53) }));
        Assert.Collection(acl.Warnings,
            w => Assert.Contains("rule 2 (web) is shadowed by rule 1 (any-tcp)", w, StringComparison.Ordinal),
            w => Assert.Contains("rule 3 (udp-flags) can never match", w, StringComparison.Ordinal));
    }

    [Fact]
    public void TheDefaultVerdictDecidesWhenNoRuleMatchesAndIsCounted()
    {
        var acl = CompiledAcl.Compile(new AccessList
        {
            Name = "t",
            DefaultVerdict = AclVerdict.Permit,
            Rules = [new AclRule("block-a", AclVerdict.Deny, new AclMatch { SourceMac = new MacAddress(0x02_00_00_00_00_0A) })],
        }, _ => -1);
        Assert.Equal(AclVerdict.Deny, acl.Evaluate(Flow(source: 0x02_00_00_00_00_0A), 64));
        Assert.Equal(AclVerdict.Permit, acl.Evaluate(Flow(source: 0x02_00_00_00_00_0B), 100));
        Assert.Equal(1, acl.HitFrames(0));
        Assert.Equal(64, acl.HitBytes(0));
        Assert.Equal(1, acl.HitFrames(1));
        Assert.Equal(100, acl.HitBytes(1));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void TupleSpaceSearchAgreesWithALinearScanOnRandomRulesAndFlows(int seed)
    {
        var random = new Random(seed);
        var rules = Enumerable.Range(0, 300).Select(i => new AclRule($"r{i}", random.Next(2) == 0 ? AclVerdict.Permit : AclVerdict.Deny, RandomMatch(random))).ToArray();
        var acl = Compile(rules);
        for (int i = 0; i < 20_000; i++)
        {
            ushort sport = (ushort)random.Next(0, 70), dport = (ushort)random.Next(0, 70);
            byte protocol = random.Next(2) == 0 ? (byte)6 : (byte)17;
            byte flags = (byte)random.Next(0, 32);
            uint sip = 0xA9FE0000 | (uint)random.Next(0, 8), dip = 0xA9FE0000 | (uint)random.Next(0, 8);
            int expected = Array.FindIndex(rules, rule => Matches(rule.Match, protocol, sport, dport, flags, sip, dip));
            Assert.True(expected == acl.Lookup(Flow(protocol, sport, dport, flags, sourceIp: sip, destinationIp: dip)), $"seed {seed}, flow {i}: expected rule {expected}");
        }
    }

    private static AclMatch RandomMatch(Random random)
    {
        int lo = random.Next(0, 64);
        return new AclMatch
        {
            Protocol = random.Next(3) switch { 0 => null, 1 => (byte)6, _ => (byte)17 },
            DestinationPorts = random.Next(3) == 0 ? null : new PortRange((ushort)lo, (ushort)(lo + random.Next(0, 12))),
            SourcePorts = random.Next(4) == 0 ? PortRange.Exactly((ushort)random.Next(0, 64)) : null,
            Source = random.Next(3) == 0 ? IpPrefix.Parse($"169.254.0.{random.Next(0, 8)}/{random.Next(29, 33)}") : null,
            Destination = random.Next(4) == 0 ? IpPrefix.Parse($"169.254.0.{random.Next(0, 8)}/{random.Next(30, 33)}") : null,
        };
    }

    // The reference semantics, field by field, with no masks and no tuples.
    private static bool Matches(AclMatch m, byte protocol, ushort sport, ushort dport, byte flags, uint sip, uint dip)
    {
        static bool InPrefix(IpPrefix? prefix, uint ip)
        {
            if (prefix is not IpPrefix p)
            {
                return true;
            }
            int bits = p.Length - 96;
            uint mask = bits == 0 ? 0 : uint.MaxValue << (32 - bits);
            return (ip & mask) == ((uint)p.Address & mask);
        }
        return (m.Protocol is null || m.Protocol == protocol)
            && (m.DestinationPorts is not PortRange d || (dport >= d.First && dport <= d.Last))
            && (m.SourcePorts is not PortRange s || (sport >= s.First && sport <= s.Last))
            && InPrefix(m.Source, sip) && InPrefix(m.Destination, dip)
            && (!m.Established || (flags & (TcpFlags.Ack | TcpFlags.Rst)) != 0);
    }
}
