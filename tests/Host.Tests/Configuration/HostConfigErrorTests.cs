// Every problem in a bridge config file comes back at once, each as LINE:COLUMN: reason pointing at
// the offending node (ConfigFile.Errors strips the FILE: prefix, after checking it).
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Tests.Configuration;

public sealed class HostConfigErrorTests
{
    private const string Port = "ports:\n  - name: p\n    attach: { tap: t }\n";

    [Fact]
    public void ErrorsReadFileLineColumnReason()
    {
        using var file = new ConfigFile();
        string path = file.Write(Port + "    hairpn: true\n");

        var error = Assert.Throws<ConfigException>(() => HostConfigLoader.Load(path));

        Assert.Equal($"{path}:4:5: unknown key 'hairpn' in port p (did you mean 'hairpin'?)", Assert.Single(error.Errors).ToString());
        Assert.Equal(error.Errors[0].ToString(), error.Message);
    }

    [Fact]
    public void AnEmptyFileIsOneError() =>
        Assert.Equal(["1:1: the file is empty"], ConfigFile.Errors("# nothing but a comment\n"));

    [Fact]
    public void AMissingFileIsOneError()
    {
        var error = Assert.Throws<ConfigException>(() => HostConfigLoader.Load("/nonexistent/hairpin.yaml"));
        Assert.StartsWith("/nonexistent/hairpin.yaml:1:1: cannot read the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void YamlSyntaxErrorsKeepTheirLine() =>
        Assert.Equal(["3:1: YAML syntax: While parsing a node, did not find expected node content."], ConfigFile.Errors("ports:\n  - [\n"));

    [Fact]
    public void ADuplicateKeyIsASyntaxError() =>
        Assert.Equal(["4:5: 'name' appears twice in the same mapping"], ConfigFile.Errors(Port + "    name: q\n"));

    [Fact]
    public void AFileThatIsNotAMappingIsRefused() =>
        Assert.Equal(["1:1: the file must be a mapping of keys (e.g. 'ports:'), not a list or a single value"], ConfigFile.Errors("- a\n- b\n"));

    [Fact]
    public void MissingPortsIsAnError() =>
        Assert.Equal(["1:1: the file needs 'ports:', a list of at least one port (name and attach)"], ConfigFile.Errors("ageing_time: 300s\n"));

    [Fact]
    public void EmptyPortsIsAnError() =>
        Assert.Equal(["1:8: ports is empty: a bridge needs at least one port"], ConfigFile.Errors("ports: []\n"));

    [Fact]
    public void UnknownKeysAreReportedWithTheNearestKnownKey() =>
        Assert.Equal(
            [
                "1:1: unknown key 'ageing' in the file (did you mean 'ageing_time'?)",
                "5:5: unknown key 'mcast-flood' in port p (did you mean 'mcast_flood'?)",
                "6:12: unknown key 'trusst' in qos of port p (did you mean 'trust'?)",
            ],
            ConfigFile.Errors("ageing: 300\n" + Port + "    mcast-flood: false\n    qos: { trusst: dscp }\n"));

    [Fact]
    public void AnUnknownKeyFarFromAnyKnownOneListsTheKnownKeys()
    {
        string error = Assert.Single(ConfigFile.Errors(Port + "management: { colour: blue }\n"));
        Assert.Equal("4:15: unknown key 'colour' in management (known keys: group, socket)", error);
    }

    [Fact]
    public void EveryProblemIsReportedNotJustTheFirst() =>
        Assert.Equal(
            [
                "4:14: hairpin: 'yes please' is not true or false",
                "5:12: state: 'up' is not forwarding, blocking or disabled",
                "6:20: trunk: '10,x' is not a VLAN list like \"10,20-30\"",
                "7:18: max_learned: -1 must be at least 0",
            ],
            ConfigFile.Errors(Port + "    hairpin: yes please\n    state: up\n    vlan: { trunk: \"10,x\" }\n    max_learned: -1\n"));

    [Fact]
    public void DuplicatePortNamesPointAtTheSecondName() =>
        Assert.Equal(
            ["4:11: port name 'p' is already used by ports[0]"],
            ConfigFile.Errors(Port + "  - name: p\n    attach: { tap: u }\n"));

    [Fact]
    public void APortWithoutAttachIsAnError() =>
        Assert.Equal(["4:5: port q needs 'attach'"], ConfigFile.Errors(Port + "  - name: q\n    hairpin: true\n"));

    [Fact]
    public void APortWithoutANameIsAnError() =>
        Assert.Equal(["4:5: ports[1] needs 'name'"], ConfigFile.Errors(Port + "  - attach: { tap: u }\n"));

    [Fact]
    public void TwoPortsOnOneInterfaceAreRefusedEvenByDifferentTransports() =>
        Assert.Equal(
            ["5:13: port q attaches to afpacket:t, which port p already uses"],
            ConfigFile.Errors(Port + "  - name: q\n    attach: { afpacket: t }\n"));

    [Fact]
    public void TwoPortsOnOneSocketAreRefused() =>
        Assert.Equal(
            ["4:13: port b attaches to stream:connect:/run/x.sock, which port a already uses"],
            ConfigFile.Errors("ports:\n  - { name: a, attach: { stream: { listen: /run/x.sock } } }\n  - name: b\n    attach: { stream: { connect: /run/x.sock } }\n"));

    [Theory]
    [InlineData("{ tap: t, afpacket: u }", "5:13: attach of port q needs exactly one of afpacket, tap, stream: { afpacket: IFNAME [, ring_frames: N] }, { tap: IFNAME } or { stream: { listen|connect: PATH or HOST:PORT } }")]
    [InlineData("{ tun: t }", "5:15: unknown key 'tun' in attach of port q (did you mean 'tap'?)")]
    [InlineData("{ tap: a-name-longer-than-15 }", "5:20: tap: 'a-name-longer-than-15' is not a Linux interface name (1 to 15 characters, no '/', ':' or spaces)")]
    [InlineData("{ stream: { listen: /a, connect: /b } }", "5:23: stream attach of port q needs exactly one of listen, connect (a Unix socket path or HOST:PORT)")]
    [InlineData("{ stream: /run/q.sock }", "5:23: stream attach of port q must be a mapping of keys, e.g. '{ key: value }'")]
    [InlineData("tap-q", "5:13: attach of port q must be a mapping of keys, e.g. '{ key: value }'")]
    [InlineData("{ afpacket: u, ring_frames: 1000 }", "5:41: ring_frames of port q is 1000: a multiple of 32")]
    [InlineData("{ tap: u, ring_frames: 1024 }", "5:13: attach of port q: ring_frames is an afpacket setting (the receive ring's slots)")]
    [InlineData("{ afpacket: u, ring_frames: 32 }", "5:41: ring_frames: 32 is outside 64..65536")]
    [InlineData("{ ring_frames: 1024 }", "5:13: attach of port q needs exactly one of afpacket, tap, stream: { afpacket: IFNAME [, ring_frames: N] }, { tap: IFNAME } or { stream: { listen|connect: PATH or HOST:PORT } }")]
    public void BadAttachmentsSayWhatIsExpected(string attach, string expected)
    {
        IReadOnlyList<string> errors = ConfigFile.Errors(Port + $"  - name: q\n    attach: {attach}\n");
        Assert.Contains(expected, errors);
    }

    [Theory]
    [InlineData("vlan: 4095", "4:11: vlan: VLAN 4095 is outside 1..4094")]
    [InlineData("vlan: { trunk: \"20-10\" }", "4:20: trunk: VLAN range '20-10' runs backwards")]
    [InlineData("vlan: { access: 10, trunk: \"20\" }", "4:11: vlan of port p needs exactly one of access (one untagged VLAN) or trunk (a tagged list, e.g. \"10,20-30\")")]
    [InlineData("vlan: { access: 10, native: 1 }", "4:25: native is for trunks: an access port's VLAN is already untagged")]
    [InlineData("port_security: { allowed_macs: [ \"52:54:00:zz:00:01\" ] }", "4:38: allowed_macs: '52:54:00:zz:00:01' is not a MAC address (six hex bytes, e.g. 52:54:00:00:00:0a)")]
    [InlineData("port_security: { allowed_macs: [ \"01:00:5e:00:00:01\" ] }", "4:38: allowed_macs: 01:00:5e:00:00:01 is not a unicast address")]
    [InlineData("port_security: { violation: shutdown }", "4:33: violation: 'shutdown' is not drop (NX-OS restrict) or disable (NX-OS shutdown)")]
    [InlineData("storm_control: { broadcast: lots }", "4:33: broadcast: 'lots' is not a whole number")]
    [InlineData("qos: { scheduler: { weights: [1, 2] } }", "4:34: weights needs 8 numbers (classes 0..7), not 2")]
    [InlineData("qos: { scheduler: { shaper: { rate: 1gbps } } }", "4:41: rate: '1gbps' is ambiguous (bytes to tc, bits to NX-OS): write bits as e.g. 10mbit")]
    [InlineData("qos: { scheduler: { shaper: { burst: 10k } } }", "4:33: qos scheduler shaper needs 'rate'")]
    [InlineData("qos: { default_priority: 8 }", "4:30: default_priority: 8 is outside 0..7")]
    [InlineData("state: learning", "4:12: state: 'learning' is an STP transition state, which Hairpin has no use for: use forwarding, blocking or disabled")]
    public void BadPortValuesPointAtTheValue(string line, string expected) =>
        Assert.Equal([expected], ConfigFile.Errors(Port + $"    {line}\n"));

    [Theory]
    [InlineData("ageing_time: soon", "4:14: ageing_time: 'soon' is not a duration (e.g. 300s, 100ms, 5m, 1h, 30d; a bare number is seconds)")]
    [InlineData("meters: [ { name: m, cir: fast } ]", "4:27: cir: 'fast' is not a rate (e.g. 500kbit, 10mbit, 1gbit)")]
    [InlineData("meters: [ { name: m, cir: 1mbit, cbs: 2kbit } ]", "4:39: cbs: '2kbit' is a rate or bits: sizes are bytes, e.g. 15000 or 15k")]
    [InlineData("meters: [ { name: m } ]", "4:11: meters[0] needs 'cir'")]
    [InlineData("meters: [ { name: m, cir: 1mbit, pir: 2mbit } ]", "4:34: pir belongs to trtcm meters; meter m is srtcm")]
    [InlineData("meters: [ { name: m, type: trtcm, cir: 1mbit } ]", "4:11: meter m is trtcm and needs 'pir'")]
    [InlineData("meters: [ { name: m, cir: 1mbit, red: { remark_pcp: 9 } } ]", "4:53: remark_pcp: 9 is outside 0..7")]
    [InlineData("acls: [ { name: a, rules: [ { action: allow } ] } ]", "4:39: action: 'allow' is not permit or deny")]
    [InlineData("acls: [ { name: a, rules: [ { name: r } ] } ]", "4:29: rule 1 of acl a needs 'action'")]
    [InlineData("acls: [ { name: a, rules: [ { action: deny, set_class: 3 } ] } ]", "4:45: set_class on a deny rule would never run: deny only drops and counts")]
    [InlineData("acls: [ { name: a, rules: [ { action: permit, protocol: tcpp } ] } ]", "4:57: protocol: 'tcpp' is not tcp, udp, icmp, icmpv6, gre, sctp or a number 0..255")]
    [InlineData("acls: [ { name: a, rules: [ { action: permit, dport: 80-20 } ] } ]", "4:54: dport: port range '80-20' runs backwards")]
    [InlineData("acls: [ { name: a, rules: [ { action: permit, src_ip: 10.0.0.0/33 } ] } ]", "4:55: src_ip: '10.0.0.0/33' is not an IPv4 or IPv6 prefix (e.g. 10.0.0.0/8, 2001:db8::/32)")]
    [InlineData("acls: [ { name: a, rules: [ { action: permit, src_ip: 10.0.0.0/99999999999 } ] } ]", "4:55: src_ip: '10.0.0.0/99999999999' is not an IPv4 or IPv6 prefix (e.g. 10.0.0.0/8, 2001:db8::/32)")]
    [InlineData("acls: [ { name: a, rules: [ { action: permit, dst_ip: 10.0.0.0/8/16 } ] } ]", "4:55: dst_ip: '10.0.0.0/8/16' is not an IPv4 or IPv6 prefix (e.g. 10.0.0.0/8, 2001:db8::/32)")]
    [InlineData("acls: [ { name: a, rules: [ { action: permit, dst_ip: 10/8 } ] } ]", "4:55: dst_ip: '10/8' is not an IPv4 or IPv6 prefix (e.g. 10.0.0.0/8, 2001:db8::/32)")]
    [InlineData("acls: [ { name: a, rules: [ { action: permit, src_ip: 169.254.1 } ] } ]", "4:55: src_ip: '169.254.1' is not an IPv4 or IPv6 prefix (e.g. 10.0.0.0/8, 2001:db8::/32)")]
    [InlineData("ageing_time: 99999999999999999999999h", "4:14: ageing_time: '99999999999999999999999h' is longer than a year (365 days)")]
    [InlineData("meters: [ { name: m, cir: 99999999999999999999999tbit } ]", "4:27: cir: '99999999999999999999999tbit' is too large")]
    [InlineData("acls: [ { name: a, rules: [ { action: permit, tcp_flags: \"syn,fin!\" } ] } ]", "4:58: tcp_flags: 'fin!' is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr; '!' for clear)")]
    [InlineData("acls: [ { name: a, rules: [ { action: permit, dscp: af51 } ] } ]", "4:53: dscp: 'af51' is not a DSCP value 0..63 or name (ef, af11..af43, cs0..cs7, default)")]
    [InlineData("acls: [ { name: a, rules: [ { action: permit, src_mac: \"52:54:00:00:00:00/49\" } ] } ]", "4:56: src_mac: MAC mask /49 is longer than 48 bits")]
    [InlineData("acls: [ { name: a, default: allow } ]", "4:29: default: 'allow' is not permit or deny")]
    [InlineData("vm_acls: [ { port: p, mac: \"52:54:00:00:00:0a\" } ]", "4:12: vm_acls[0] needs 'acl'")]
    [InlineData("priority_to_class: [0, 1, 2]", "4:20: priority_to_class needs 8 classes (for priorities 0..7), not 3")]
    [InlineData("metrics: { prometheus: 9417 }", "4:24: prometheus: '9417' is not ADDRESS:PORT (e.g. 127.0.0.1:9417)")]
    [InlineData("metrics: { prometheus: \"0.0.0.0:9417\" }", "4:24: prometheus: '0.0.0.0:9417' is not a loopback address (127.0.0.0/8 or [::1]): the metrics endpoint is served on this machine only")]
    [InlineData("management: { group: no-such-group-hairpin }", "4:22: group: group 'no-such-group-hairpin' does not exist on this machine (create it with 'groupadd no-such-group-hairpin', or leave management.group out: root only)")]
    [InlineData("management: { socket: bridge.sock }", "4:23: socket: 'bridge.sock' must be an absolute path (e.g. /run/hairpin/bridge.sock)")]
    public void BadBridgeValuesPointAtTheValue(string line, string expected) =>
        Assert.Equal([expected], ConfigFile.Errors(Port + line + "\n"));
}
