// Problems only the engine knows about (its limits, references between sections, rule compilation)
// still come back at the line they are about, in the file's spelling of each setting.
namespace Hairpin.Host.Tests.Configuration;

public sealed class EngineValidationTests
{
    private const string Port = "ports:\n  - name: p\n    attach: { tap: t }\n";

    [Fact]
    public void BridgeLimitsPointAtTheirKeys() =>
        Assert.Equal(
            [
                "4:14: ageing_time 0 s must be positive",
                "5:14: max_learned 100000 must be between 1 and the FDB capacity (65536)",
                "6:22: bpdu_guard_recovery 0.1 s must be at least 1 s",
                "7:19: mac_move_damping window must be at least 1 s and hold between 1 and 32767 s",
                "8:18: ping_pong_guard window 2000 ms must be above 0 and at most 1000 ms",
                "9:17: loop_detection retry 0 s must be at least 1 s",
                "10:12: max_frame 4000 must be between 60 and the buffer size (2048)",
            ],
            ConfigFile.Errors(Port + "ageing_time: 0s\nmax_learned: 100000\nbpdu_guard_recovery: 100ms\nmac_move_damping: { window: 0s }\n"
                + "ping_pong_guard: { window: 2s }\nloop_detection: { retry: 0s }\nmax_frame: 4000\n"));

    [Fact]
    public void VmCountersOutsideItsRangePointsAtTheValue() =>
        Assert.Equal(["4:14: vm_counters: -1 is outside 0..1048576", "5:14: vm_counters: 2000000 is outside 0..1048576"],
            [.. ConfigFile.Errors(Port + "vm_counters: -1\n"), .. ConfigFile.Errors(Port + "\nvm_counters: 2000000\n")]);

    [Fact]
    public void MissingAclsAndMetersPointAtTheNameThatRefersToThem() =>
        Assert.Equal(
            ["4:18: port p: no acl named 'nope'", "5:17: port p: no acl named 'gone'", "6:21: port p: no meter named 'm'"],
            ConfigFile.Errors(Port + "    ingress_acl: nope\n    egress_acl: gone\n    qos: { policer: m }\n"));

    [Fact]
    public void PortChecksPointAtTheSettingInsideThePort() =>
        Assert.Equal(
            [
                "4:21: port p: group_fwd_mask bit 1 (01:80:c2:00:00:01, pause) cannot be set: pause frames are never forwarded",
                "5:20: port p: port_security lists 2 allowed MACs but max_macs is 1",
                "6:10: port p: qos scheduler: quantum 10 bytes is smaller than a frame",
            ],
            ConfigFile.Errors(Port + "    group_fwd_mask: 2\n    port_security: { max_macs: 1, allowed_macs: [ \"52:54:00:00:00:01\", \"52:54:00:00:00:02\" ] }\n"
                + "    qos: { scheduler: { quantum: 10 } }\n"));

    [Fact]
    public void ADuplicateAclPointsAtTheSecondDefinition() =>
        Assert.Equal(["6:5: acl a: defined twice"], ConfigFile.Errors(Port + "acls:\n  - name: a\n  - name: a\n"));

    [Fact]
    public void ADuplicateMeterPointsAtTheSecondDefinitionAndBadRatesAtTheirMeter() =>
        Assert.Equal(
            ["6:5: meter m: defined twice", "7:5: meter t: pir 1000000 bit/s must be at least cir 10000000 bit/s"],
            ConfigFile.Errors(Port + "meters:\n  - { name: m, cir: 1mbit }\n  - { name: m, cir: 2mbit }\n  - { name: t, type: trtcm, cir: 10mbit, pir: 1mbit }\n"));

    [Fact]
    public void RuleCompilationErrorsPointAtTheRule() =>
        Assert.Equal(
            ["8:9: acl a rule 2 (r2): mirror names no port 'zz'"],
            ConfigFile.Errors(Port + "acls:\n  - name: a\n    rules:\n      - { name: r1, action: permit }\n      - { name: r2, action: permit, mirror: zz }\n"));

    [Fact]
    public void VmBindingsPointAtTheirEntry() =>
        Assert.Equal(
            [
                "4:12: vm acl 52:54:00:00:00:0a: no port named 'nope'",
                "4:12: vm acl 52:54:00:00:00:0a: no acl named 'nope'",
                "5:16: vm policer 52:54:00:00:00:0b: no meter named 'nope'",
            ],
            ConfigFile.Errors(Port + "vm_acls: [ { port: nope, mac: \"52:54:00:00:00:0a\", acl: nope } ]\n"
                + "vm_policers: [ { port: p, mac: \"52:54:00:00:00:0b\", meter: nope } ]\n"));
}
