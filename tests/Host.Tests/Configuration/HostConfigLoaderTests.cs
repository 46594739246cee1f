// The bridge's config file loads into the engine's settings: the issue's example, each port setting
// under its iproute2 name, the bridge-wide settings, ACLs, meters and VM bindings.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Configuration;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Configuration;

public sealed class HostConfigLoaderTests
{
    private const string IssueExample =
        """
        ports:
          - name: hv1
            attach: { afpacket: veth-hv1 }
            hairpin: true
          - name: hv2
            attach: { tap: tap-hv2 }
          - name: vm9
            attach: { stream: { listen: /run/hairpin/vm9.sock } }
        management:
          socket: /run/hairpin/bridge.sock
        """;

    [Fact]
    public void TheIssueExampleLoadsThreePortsWithTheirAttachments()
    {
        using var file = new ConfigFile();
        string path = file.Write(IssueExample);

        HostConfig config = HostConfigLoader.Load(path);

        Assert.Equal(path, config.SourceFile);
        Assert.Equal(["hv1", "hv2", "vm9"], config.Bridge.Ports.Select(p => p.Name));
        Assert.Equal(
            [
                new PortAttachment("hv1", new AfPacketAttach("veth-hv1")),
                new PortAttachment("hv2", new TapAttach("tap-hv2")),
                new PortAttachment("vm9", new StreamAttach("/run/hairpin/vm9.sock", Listen: true)),
            ],
            config.Attachments);
        Assert.True(config.Bridge.Ports[0].Hairpin);
        Assert.False(config.Bridge.Ports[1].Hairpin);
        Assert.Equal("/run/hairpin/bridge.sock", config.Management.Socket);
        Assert.Null(config.Management.Group);
        Assert.Null(config.Metrics.Prometheus);
        Assert.Empty(config.Warnings);
    }

    [Fact]
    public void AnAfpacketPortsRingFramesSizeItsReceiveRing()
    {
        HostConfig config = ConfigFile.Load("ports:\n  - name: up\n    attach: { afpacket: eth0, ring_frames: 1024 }\n  - name: hv1\n    attach: { afpacket: eth1 }\n");

        Assert.Equal(new AfPacketAttach("eth0", RingFrames: 1024), config.Attachments[0].Attach);
        Assert.Equal(AfPacketAttach.DefaultRingFrames, ((AfPacketAttach)config.Attachments[1].Attach).RingFrames);
        var transport = new AfPacketTransport((AfPacketAttach)config.Attachments[0].Attach);
        Assert.Equal(1024, transport.RingOptions.FrameCount);
        Assert.Equal(2 * 1024 * 1024, transport.RingOptions.RingSize);
        transport.RingOptions.Validate();   // a geometry the kernel takes: whole pages per block
    }

    [Fact]
    public void LeftOutSettingsKeepTheEnginesDefaults()
    {
        HostConfig config = ConfigFile.Load(IssueExample);

        var expectedPort = new PortConfig { Name = "hv2" };
        Assert.Equal(expectedPort, config.Bridge.Ports[1]);
        Assert.Equal(new BridgeConfig { Ports = config.Bridge.Ports, Acls = config.Bridge.Acls, Meters = config.Bridge.Meters, VmAcls = config.Bridge.VmAcls, VmPolicers = config.Bridge.VmPolicers }, config.Bridge);
    }

    [Fact]
    public void PortFlagsUseTheBridgeLinkSetNames()
    {
        HostConfig config = ConfigFile.Load(
            """
            ports:
              - name: p
                attach: { tap: t }
                hairpin: true
                isolated: true
                learning: false
                flood: false
                mcast_flood: false
                bcast_flood: false
                state: blocking
                group_fwd_mask: 0x4000
                max_learned: 8
                bpdu_guard: false
                loop_detection: false
                ingress_acl: a
                egress_acl: a
            acls:
              - name: a
                default: permit
            """);

        PortConfig port = config.Bridge.Ports[0];
        Assert.Equal(
            new PortConfig
            {
                Name = "p", Hairpin = true, Isolated = true, Learning = false, UnknownUnicastFlood = false,
                MulticastFlood = false, BroadcastFlood = false, State = PortState.Blocking, GroupForwardMask = 0x4000,
                MaxLearned = 8, BpduGuard = false, LoopDetection = false, IngressAcl = "a", EgressAcl = "a",
            },
            port);
    }

    [Theory]
    [InlineData("vlan: 10", 10, "10", "10")]
    [InlineData("vlan: { access: 20 }", 20, "20", "20")]
    [InlineData("vlan: { trunk: \"10,20-22\" }", 0, "10,20-22", "")]
    [InlineData("vlan: { trunk: \"10,20-22\", native: 1 }", 1, "1,10,20-22", "1")]
    public void VlanAccessAndTrunkBecomeThePortsMembership(string line, int pvid, string members, string untagged)
    {
        HostConfig config = ConfigFile.Load($"ports:\n  - name: p\n    attach: {{ tap: t }}\n    {line}\n");

        PortVlans vlans = config.Bridge.Ports[0].Vlans;
        Assert.Equal(pvid, vlans.Pvid);
        Assert.Equal(members, vlans.Members.ToString());
        Assert.Equal(untagged, vlans.Untagged.ToString());
    }

    [Fact]
    public void PortSecurityStormControlAndQosAreRead()
    {
        HostConfig config = ConfigFile.Load(
            """
            ports:
              - name: p
                attach: { tap: t }
                vlan: 10
                port_security:
                  max_macs: 3
                  allowed_macs: [ "52:54:00:00:00:01", { mac: "52:54:00:00:00:02", vlan: 10 } ]
                  sticky: true
                  violation: disable
                storm_control: { broadcast: 100, multicast: 200pps, unknown_unicast: 300, action: disable }
                qos:
                  trust: dscp
                  default_priority: 3
                  policer: m
                  scheduler:
                    strict_from: 7
                    weights: [1, 2, 3, 4, 5, 6, 7, 8]
                    queue_frames: 100
                    queue_bytes: 64k
                    quantum: 3000
                    shaper: { rate: 100mbit, burst: 32k }
            meters:
              - { name: m, cir: 1gbit }
            """);

        PortConfig port = config.Bridge.Ports[0];
        Assert.True(port.Security.Enabled);
        Assert.Equal(3, port.Security.MaxMacs);
        Assert.True(port.Security.Sticky);
        Assert.Equal(SecurityViolation.Disable, port.Security.Violation);
        Assert.Equal([new SecureMac(MacAddress.Parse("52:54:00:00:00:01")), new SecureMac(MacAddress.Parse("52:54:00:00:00:02"), 10)], port.Security.AllowedMacs);
        Assert.Equal(new StormControl { BroadcastPps = 100, MulticastPps = 200, UnknownUnicastPps = 300, Action = StormAction.Disable }, port.StormControl);
        Assert.Equal(QosTrust.Dscp, port.Qos.Trust);
        Assert.Equal(3, port.Qos.DefaultPriority);
        Assert.Equal("m", port.Qos.Policer);
        var scheduler = port.Qos.Scheduler;
        Assert.Equal(7, scheduler.StrictFromClass);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], scheduler.Weights);
        Assert.Equal(100, scheduler.QueueDepthFrames);
        Assert.Equal(64 * 1024, scheduler.QueueDepthBytes);
        Assert.Equal(3000, scheduler.QuantumBytes);
        Assert.Equal(100_000_000 / 8, scheduler.ShaperBytesPerSecond);
        Assert.Equal(32 * 1024, scheduler.ShaperBurstBytes);
    }

    [Fact]
    public void BridgeWideSettingsAreRead()
    {
        HostConfig config = ConfigFile.Load(
            """
            ports: [ { name: p, attach: { tap: t } } ]
            ageing_time: 5m
            max_learned: 1000
            max_frame: 1600
            bpdu_guard_recovery: 10s
            mac_move_damping: { max_moves: 3, window: 5s, hold: 2m }
            loop_detection: false
            ping_pong_guard: { window: 50ms }
            priority_to_class: [0, 1, 2, 3, 4, 5, 6, 7]
            management: { socket: /run/x.sock, group: root }   # a group that exists on every Linux machine
            metrics: { prometheus: "127.0.0.1:9417" }
            """);

        BridgeConfig bridge = config.Bridge;
        Assert.Equal(TimeSpan.FromMinutes(5), bridge.AgeingTime);
        Assert.Equal(1000, bridge.MaxLearned);
        Assert.Equal(1600, bridge.MaxFrameSize);
        Assert.Equal(TimeSpan.FromSeconds(10), bridge.BpduGuardRecovery);
        Assert.Equal(new MacMoveDamping { MaxMoves = 3, Window = TimeSpan.FromSeconds(5), Hold = TimeSpan.FromMinutes(2) }, bridge.MacMoveDamping);
        Assert.False(bridge.LoopDetection.Enabled);
        Assert.Equal(TimeSpan.FromMilliseconds(50), bridge.PingPongGuard.Window);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], bridge.PriorityToClass);
        Assert.Equal(new ManagementConfig { Socket = "/run/x.sock", Group = "root" }, config.Management);
        Assert.Equal("127.0.0.1:9417", config.Metrics.Prometheus);
    }

    [Fact]
    public void AclRulesKeepTheirOrderMatchesAndActions()
    {
        HostConfig config = ConfigFile.Load(
            """
            ports: [ { name: p, attach: { tap: t } }, { name: q, attach: { tap: u } } ]
            meters: [ { name: m, cir: 10mbit } ]
            acls:
              - name: edge
                default: permit
                rules:
                  - name: web
                    action: permit
                    in: p
                    src_mac: 52:54:00:00:00:00/ff:ff:ff:00:00:00
                    dst_mac: 52:54:00:00:00:0b
                    vid: 10
                    pcp: 5
                    src_ip: 10.0.0.0/8
                    dst_ip: 2001:db8::/32
                    protocol: tcp
                    dscp: af41
                    sport: 1024-65535
                    dport: 443
                    tcp_flags: "syn,!ack"
                    set_class: 4
                    remark_pcp: 3
                    remark_dscp: ef
                    police: m
                    mirror: q
                    count: web
                  - { name: arp, action: deny, ethertype: arp, arp_opcode: reply }
                  - { name: ping, action: permit, protocol: icmp, icmp_type: 8, icmp_code: 0 }
                  - { name: back, action: permit, protocol: 6, established: true }
                  - { action: deny, src_mac: 02:00:00:00:00:00/8 }
            """);

        AccessList acl = Assert.Single(config.Bridge.Acls);
        Assert.Equal(AclVerdict.Permit, acl.DefaultVerdict);
        Assert.Equal(["web", "arp", "ping", "back", "5"], acl.Rules.Select(r => r.Name));
        AclRule web = acl.Rules[0];
        Assert.Equal(AclVerdict.Permit, web.Verdict);
        Assert.Equal(
            new AclMatch
            {
                IngressPort = "p",
                SourceMac = MacAddress.Parse("52:54:00:00:00:00"), SourceMacMask = MacAddress.Parse("ff:ff:ff:00:00:00"),
                DestinationMac = MacAddress.Parse("52:54:00:00:00:0b"),
                Vid = 10, Pcp = 5,
                Source = IpPrefix.Parse("10.0.0.0/8"), Destination = IpPrefix.Parse("2001:db8::/32"),
                Protocol = 6, Dscp = 34,
                SourcePorts = new PortRange(1024, 65535), DestinationPorts = PortRange.Exactly(443),
                TcpFlags = TcpFlags.Syn, TcpFlagsMask = TcpFlags.Syn | TcpFlags.Ack,
            },
            web.Match);
        Assert.Equal(new AclActions { TrafficClass = 4, RemarkPcp = 3, RemarkDscp = 46, Police = "m", Mirror = "q", Count = "web" }, web.Actions);
        Assert.Equal(new AclMatch { EtherType = EtherTypes.Arp, ArpOpcode = 2 }, acl.Rules[1].Match);
        Assert.Equal(AclVerdict.Deny, acl.Rules[1].Verdict);
        Assert.Equal(new AclMatch { Protocol = 1, IcmpType = 8, IcmpCode = 0 }, acl.Rules[2].Match);
        Assert.Equal(new AclMatch { Protocol = 6, Established = true }, acl.Rules[3].Match);
        Assert.Equal(MacAddress.Parse("ff:00:00:00:00:00"), acl.Rules[4].Match.SourceMacMask);
        Assert.Same(AclActions.None, acl.Rules[1].Actions);
    }

    [Fact]
    public void MetersAndVmBindingsAreRead()
    {
        HostConfig config = ConfigFile.Load(
            """
            ports: [ { name: hv1, attach: { tap: t }, vlan: { trunk: "10" } } ]
            acls: [ { name: a } ]
            meters:
              - { name: s, cir: 500kbit, cbs: 15k, ebs: 3000, green: pass, yellow: { remark_pcp: 1, remark_dscp: cs1 }, red: drop }
              - { name: t, type: trtcm, cir: 10mbit, pir: 1gbit, pbs: 1m, color_aware: true }
            vm_acls: [ { port: hv1, mac: "52:54:00:00:00:0a", vlan: 10, acl: a } ]
            vm_policers: [ { port: hv1, mac: "52:54:00:00:00:0a", vlan: 10, meter: t } ]
            """);

        Assert.Equal(
            new MeterConfig
            {
                Name = "s", CommittedRateBitsPerSecond = 500_000, CommittedBurstBytes = 15 * 1024, ExcessBurstBytes = 3000,
                Yellow = ColorAction.Remark(pcp: 1, dscp: 8),
            },
            config.Bridge.Meters[0]);
        Assert.Equal(
            new MeterConfig
            {
                Name = "t", Kind = MeterKind.TwoRate, CommittedRateBitsPerSecond = 10_000_000, PeakRateBitsPerSecond = 1_000_000_000,
                PeakBurstBytes = 1024 * 1024, ColorAware = true,
            },
            config.Bridge.Meters[1]);
        var vm = MacAddress.Parse("52:54:00:00:00:0a");
        Assert.Equal([new VmAclBinding("hv1", vm, "a", 10)], config.Bridge.VmAcls);
        Assert.Equal([new VmPolicerBinding("hv1", vm, "t", 10)], config.Bridge.VmPolicers);
    }

    [Fact]
    public void AclRulesThatCanNeverMatchComeBackAsLocatedWarnings()
    {
        HostConfig config = ConfigFile.Load(
            """
            ports: [ { name: p, attach: { tap: t } } ]
            acls:
              - name: a
                rules:
                  - { name: all-tcp, action: permit, protocol: tcp }
                  - { name: web, action: permit, protocol: tcp, dport: 80 }
            """);

        ConfigError warning = Assert.Single(config.Warnings);
        Assert.Equal(6, warning.Line);
        Assert.StartsWith("warning: acl a rule 2 (web) is shadowed by rule 1 (all-tcp)", warning.Reason, StringComparison.Ordinal);
    }
}
