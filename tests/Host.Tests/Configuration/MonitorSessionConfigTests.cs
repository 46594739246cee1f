// `monitor_sessions:` in the config file: each destination kind reads into its settings, an ACL rule's
// `mirror: NAME` naming a session goes to the session (a port's name still goes to the port), and
// every mistake comes back as LINE:COLUMN: reason at the offending node.
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Configuration;

public sealed class MonitorSessionConfigTests
{
    private const string Ports =
        """
        ports:
          - name: vm1
            attach: { tap: t1 }
          - name: vm2
            attach: { tap: t2 }
          - name: analyzer
            attach: { tap: t3 }

        """;

    [Fact]
    public void EachDestinationKindIsRead()
    {
        HostConfig config = ConfigFile.Load(Ports +
            """
            monitor_sessions:
              - name: span1
                sources: [ { port: vm1, direction: rx }, { port: vm2 } ]
                destination: { port: analyzer }
              - name: rspan1
                sources: [ { vsi: 6f1c2a3b-0000-4000-8000-000000000001, direction: tx } ]
                destination: { port: analyzer, rspan_vlan: 999 }
              - name: erspan1
                sources: [ { port: vm1 } ]
                destination:
                  port: analyzer
                  erspan: { type: 3, erspan_id: 100, destination_ip: 192.0.2.10, origin_ip: 192.0.2.1, next_hop_mac: "02:00:00:00:00:10", ttl: 16, dscp: 10, mtu: 1400 }
              - name: file1
                sources: [ { port: vm2, direction: both } ]
                destination: { file: /var/tmp/vm2.pcapng, file_size: 1m, file_count: 3, snap_length: 128 }
            """);

        Assert.Equal(["span1", "rspan1", "erspan1", "file1"], config.MonitorSessions.Select(session => session.Name));
        Assert.Equal([new MonitorSourceConfig("vm1", null, MonitorDirection.Rx), new MonitorSourceConfig("vm2")], config.MonitorSessions[0].Sources);
        Assert.Equal("span", config.MonitorSessions[0].Destination.Kind);
        Assert.Equal(new MonitorSourceConfig(null, "6f1c2a3b-0000-4000-8000-000000000001", MonitorDirection.Tx), config.MonitorSessions[1].Sources.Single());
        Assert.Equal(999, config.MonitorSessions[1].Destination.RspanVlan);
        Assert.Equal(new ErspanConfig(3, 100, "192.0.2.10", "192.0.2.1", "02:00:00:00:00:10") { Ttl = 16, Dscp = 10, Mtu = 1400 }, config.MonitorSessions[2].Destination.Erspan);
        MonitorDestinationConfig file = config.MonitorSessions[3].Destination;
        Assert.Equal(("/var/tmp/vm2.pcapng", 1024L * 1024, 3, 128), (file.File, file.FileSize, file.FileCount, file.SnapLength));
    }

    [Fact]
    public void AnAclRuleMirrorsToASessionByNameAndToAPortByItsName()
    {
        HostConfig config = ConfigFile.Load(Ports +
            """
            acls:
              - name: watch
                rules:
                  - { name: web, action: permit, protocol: tcp, dport: 80, mirror: webspan }
                  - { name: dns, action: permit, protocol: udp, dport: 53, mirror: analyzer }
            monitor_sessions:
              - name: webspan
                destination: { port: analyzer }
            """);

        Bridge.Core.Acl.AclRule[] rules = [.. config.Bridge.Acls.Single().Rules];
        Assert.Equal((null, "webspan"), (rules[0].Actions.Mirror, rules[0].Actions.MirrorSession));
        Assert.Equal(("analyzer", null), (rules[1].Actions.Mirror, rules[1].Actions.MirrorSession));
        Assert.Empty(config.MonitorSessions.Single().Sources);
    }

    [Fact]
    public void MistakesAreReportedWhereTheyAre() =>
        Assert.Equal(
            [
                "9:11: monitor session name 'vm1' is also a port's: an ACL rule's 'mirror: vm1' would be ambiguous",
                "10:40: direction: 'in' is not rx, tx or both",
                "11:26: no port named 'nope'",
                "13:16: sources[0] of monitor session s2 needs one of 'port' or 'vsi'",
                "14:48: rspan_vlan: VLAN 5000 is outside 1..4094",
                "16:16: port vm1 is both a source and the destination of monitor session s3: its copies would go back out where they came from",
                "19:20: unknown key 'files' in destination of monitor session s4 (did you mean 'file'?)",
                "22:11: monitor session name 'twice' is already used by monitor_sessions[4]",
            ],
            ConfigFile.Errors(Ports +
                """
                monitor_sessions:
                  - name: vm1
                    sources: [ { port: vm2, direction: in } ]
                    destination: { port: nope }
                  - name: s2
                    sources: [ { direction: rx } ]
                    destination: { port: analyzer, rspan_vlan: 5000 }
                  - name: s3
                    sources: [ { port: vm1 } ]
                    destination: { port: vm1 }
                  - name: s4
                    destination: { files: /tmp/x.pcapng }
                  - name: twice
                    destination: { port: analyzer }
                  - name: twice
                    destination: { file: /tmp/twice.pcapng }
                """));

    [Fact]
    public void AnErspanDestinationNamesWhatItLacks() =>
        Assert.Equal(
            [
                "13:15: erspan of monitor session e needs 'next_hop_mac'",
                "13:23: type: '4' is not an ERSPAN type (2 or 3, ii or iii)",
                "13:56: destination_ip: '192.0.2' is not an IPv4 address",
            ],
            ConfigFile.Errors(Ports +
                """
                monitor_sessions:
                  - name: e
                    sources: [ { port: vm1 } ]
                    destination:
                      port: analyzer
                      erspan: { type: 4, erspan_id: 1, destination_ip: 192.0.2, origin_ip: 192.0.2.1 }
                """));
}
