// The rendered trace of the seed case, pinned by golden files: VM1 and VM2 behind one hairpin port
// with an ACL denying VM1 -> VM2. The facts the golden text tells are also checked directly.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Time;
using Hairpin.Bridge.Core.Tracing;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Tracing;

namespace Hairpin.Host.Tests.Tracing;

public sealed class TraceRendererTests
{
    private const string Vm1 = "52:54:00:00:00:0a";
    private const string Vm2 = "52:54:00:00:00:0b";
    private const string Server = "52:54:00:00:00:0c";

    /// <summary>hv1 (hairpin) holds VM1 and VM2, uplink (a trunk, VLAN 10 native) the server; VM2 and the server are learned.</summary>
    private static BridgeEngine SeedBridge()
    {
        var config = new BridgeConfig
        {
            Ports =
            [
                new PortConfig { Name = "hv1", Hairpin = true, Vlans = PortVlans.Access(10), IngressAcl = "vm-policy" },
                new PortConfig { Name = "uplink", Vlans = PortVlans.Trunk(VlanSet.Of(10, 20)) },
            ],
            Acls =
            [
                new AccessList
                {
                    Name = "vm-policy",
                    DefaultVerdict = AclVerdict.Permit,
                    Rules =
                    [
                        new AclRule("allow-arp", AclVerdict.Permit, new AclMatch { EtherType = EtherTypes.Arp }),
                        new AclRule("deny-vm1-vm2", AclVerdict.Deny, new AclMatch { SourceMac = MacAddress.Parse(Vm1), DestinationMac = MacAddress.Parse(Vm2) }),
                    ],
                },
            ],
        };
        var pool = new FramePool(64);
        var engine = new BridgeEngine(config, pool, new ManualTimeProvider(), new BridgeEngineOptions { BridgeAddress = MacAddress.Parse("02:00:00:00:00:ff") });
        Send(engine, pool, 0, $"src {Vm2} dst ff:ff:ff:ff:ff:ff arp 169.254.0.2 > 169.254.0.1");
        Send(engine, pool, 1, $"src {Server} dst {Vm2} vlan 10 ip 169.254.0.3 > 169.254.0.2 udp 5000 5000");
        for (int port = 0; port < 2; port++)
        {
            while (engine.Egress(port).TryDequeue(out FrameBuffer? frame))
            {
                pool.Release(frame);
            }
        }
        return engine;
    }

    private static void Send(BridgeEngine engine, FramePool pool, int port, string spec)
    {
        Assert.True(pool.TryRent(out FrameBuffer? buffer));
        Assert.True(buffer.TryCopyFrom(FrameSpec.Parse(spec.Split(' '))));
        buffer.IngressPort = port;
        engine.ProcessBatch([buffer]);
    }

    private static string Run(BridgeEngine engine, params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        int code = LocalTraceCommand.Run(engine, args, stdout, stderr);
        Assert.True(code == LocalTraceCommand.Success, stderr.ToString());
        return stdout.ToString();
    }

    private static string[] Words(string text) => text.Split(' ');

    [Fact]
    public void The_seed_case_traces_match_the_verified_file()
    {
        BridgeEngine engine = SeedBridge();
        string text = string.Join("\n",
            "$ hairpin trace dev hv1 src VM1 dst VM2 ip 169.254.0.1 > 169.254.0.2 udp 5000 5000",
            Run(engine, Words($"dev hv1 src {Vm1} dst {Vm2} ip 169.254.0.1 > 169.254.0.2 udp 5000 5000")),
            "$ hairpin trace dev hv1 src VM1 dst VM2 arp 169.254.0.1 > 169.254.0.2",
            Run(engine, Words($"dev hv1 src {Vm1} dst {Vm2} arp 169.254.0.1 > 169.254.0.2")),
            "$ hairpin trace dev hv1 src VM1 dst ff:ff:ff:ff:ff:ff vlan 0 pcp 5 arp 169.254.0.1 > 169.254.0.2",
            Run(engine, Words($"dev hv1 src {Vm1} dst ff:ff:ff:ff:ff:ff vlan 0 pcp 5 arp 169.254.0.1 > 169.254.0.2")));

        Golden.Verify(text);
    }

    [Fact]
    public void The_seed_case_json_matches_the_verified_file() =>
        Golden.Verify(Run(SeedBridge(), Words($"dev hv1 src {Vm1} dst {Vm2} ip 169.254.0.1 > 169.254.0.2 udp 5000 5000 --json")));

    [Fact]
    public void The_denied_frame_names_the_acl_and_rule_and_ends_in_a_drop()
    {
        FrameTrace trace = SeedBridge().Trace(0, FrameSpec.Parse(Words($"src {Vm1} dst {Vm2} ip 169.254.0.1 > 169.254.0.2 udp 5000 5000")));

        IReadOnlyList<string> lines = TraceRenderer.Render(trace);
        Assert.Contains(lines, line => line.Contains("acl vm-policy rule 2 (deny-vm1-vm2) deny", StringComparison.Ordinal));
        Assert.Equal("Datapath actions: drop (acl-denied)", lines[^1]);
    }

    [Fact]
    public void A_permitted_frame_is_reflected_out_of_the_hairpin_port_untagged()
    {
        FrameTrace trace = SeedBridge().Trace(0, FrameSpec.Parse(Words($"src {Vm1} dst {Vm2} arp 169.254.0.1 > 169.254.0.2")));

        Assert.Equal("output:hv1 untagged", TraceRenderer.DatapathActions(trace));
        TraceDto dto = TraceRenderer.ToDto(trace);
        Assert.Equal(("forwarded", null, "hv1"), (dto.Verdict.Outcome, dto.Verdict.Reason, Assert.Single(dto.Verdict.Ports)));
        Assert.Equal((1, "allow-arp", "permit"), (dto.AclMatches[0].Rule, dto.AclMatches[0].RuleName, dto.AclMatches[0].Verdict));
    }

    [Fact]
    public void An_unknown_port_or_a_bad_spec_is_a_usage_error_on_one_line()
    {
        BridgeEngine engine = SeedBridge();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter { NewLine = "\n" };

        Assert.Equal(LocalTraceCommand.UsageError, LocalTraceCommand.Run(engine, Words("dev hv9 src 02:00:00:00:00:01 dst 02:00:00:00:00:02"), stdout, stderr));
        Assert.Equal(LocalTraceCommand.UsageError, LocalTraceCommand.Run(engine, Words("dev hv1 src 02:00:00:00:00:01 dst nope"), stdout, stderr));

        Assert.Equal(
            "hairpin trace: no port named 'hv9' (ports: hv1, uplink)\nhairpin trace: frame spec: bad 'nope': not a MAC address (e.g. 52:54:00:00:00:0a)\n",
            stderr.ToString());
        Assert.Empty(stdout.ToString());
    }
}
