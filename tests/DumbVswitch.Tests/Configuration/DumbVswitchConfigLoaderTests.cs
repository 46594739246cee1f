// The dumb vswitch's config file: the issue's example, its defaults, the example file, and its errors
// in the Host's FILE:LINE:COLUMN style.
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.Host.Configuration;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Tests.Configuration;

public sealed class DumbVswitchConfigLoaderTests : IDisposable
{
    private const string IssueExample =
        """
        uplink: { afpacket: eth1 }
        vms:
          - name: vm-a
            mac: 52:54:00:00:00:0a
            attach: { stream: { listen: /run/dvs/vm-a.sock } }
          - name: vm-b
            mac: 52:54:00:00:00:0b
            attach: { tap: tap-vmb }
            vlan: 10
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("hairpin-dvs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string yaml)
    {
        string path = Path.Combine(_directory, "dumb-vswitch.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private IReadOnlyList<string> Errors(string yaml)
    {
        string path = Write(yaml);
        var error = Assert.Throws<ConfigException>(() => DumbVswitchConfigLoader.Load(path));
        Assert.All(error.Errors, e => Assert.Equal(path, e.File));
        return [.. error.Errors.Select(e => $"{e.Line}:{e.Column}: {e.Reason}")];
    }

    [Fact]
    public void TheIssueExampleLoadsTheUplinkAndTwoVms()
    {
        string path = Write(IssueExample);

        DumbVswitchConfig config = DumbVswitchConfigLoader.Load(path);

        Assert.Equal(path, config.SourceFile);
        Assert.Equal(new AfPacketAttach("eth1"), config.Uplink);
        Assert.Equal(
            [
                new VmConfig("vm-a", MacAddress.Parse("52:54:00:00:00:0a"), new StreamAttach("/run/dvs/vm-a.sock", Listen: true)),
                new VmConfig("vm-b", MacAddress.Parse("52:54:00:00:00:0b"), new TapAttach("tap-vmb"), Vlan: 10),
            ],
            config.Vms);
    }

    [Fact]
    public void DefaultsAreAntiSpoofingOnAndTheDumbVswitchSocket()
    {
        DumbVswitchConfig config = DumbVswitchConfigLoader.Load(Write(IssueExample));

        Assert.All(config.Vms, vm => Assert.True(vm.AntiSpoofing));
        Assert.Equal("/run/hairpin/dumb-vswitch.sock", config.Management.Socket);
        Assert.Null(config.Metrics.Prometheus);
    }

    [Fact]
    public void TheExampleFileLoads()
    {
        DumbVswitchConfig config = DumbVswitchConfigLoader.Load(Example("dumb-vswitch.yaml"));

        Assert.Equal("afpacket:eth1", config.Uplink.Describe());
        Assert.Equal(["vm-a", "vm-b", "vm-c"], config.Vms.Select(vm => vm.Name));
        Assert.Equal([null, 10, 20], config.Vms.Select(vm => vm.Vlan));
        Assert.Equal([true, true, false], config.Vms.Select(vm => vm.AntiSpoofing));
        Assert.Equal(new StreamAttach("127.0.0.1:7010", Listen: false), config.Vms[2].Attach);
        Assert.Equal("/run/hairpin/dumb-vswitch.sock", config.Management.Socket);
        Assert.Null(config.Management.Group);   // commented out: a group that does not exist stops the start
        Assert.Equal("127.0.0.1:9418", config.Metrics.Prometheus);
    }

    [Fact]
    public void TheExamplesCommentedVsiAndEvbLoadOnceUncommented()
    {
        string example = File.ReadAllText(Example("dumb-vswitch.yaml"))
            .Replace("  # - name: vm-d", "  - name: vm-d", StringComparison.Ordinal)
            .Replace("  #   ", "    ", StringComparison.Ordinal)
            .Replace("# evb: {", "evb: {", StringComparison.Ordinal);

        DumbVswitchConfig config = DumbVswitchConfigLoader.Parse(example, "dumb-vswitch.yaml");

        Assert.Equal(new VsiConfig(42, 1, Guid.Parse("a1412857-60f7-4ce1-e95a-2164943f53aa"), "mgr1"), config.Vms[3].Vsi);
        Assert.Null(config.Vms[3].Vlan);
        Assert.Equal(new StationConfig(), config.Evb);
    }

    [Fact]
    public void MissingUplinkAndVmsAreBothReported() =>
        Assert.Equal(
            [
                "1:1: the file needs 'uplink:', where frames go to the bridge, e.g. { afpacket: eth1 }",
                "1:1: the file needs 'vms:', a list of at least one VM (name, mac and attach)",
            ],
            Errors("management: { socket: /run/x.sock }\n"));

    [Fact]
    public void AnEmptyFileIsOneError() => Assert.Equal(["1:1: the file is empty"], Errors(""));

    [Fact]
    public void BadVmValuesPointAtTheirNodes() =>
        Assert.Equal(
            [
                "4:10: mac: 'not-a-mac' is not a MAC address (six hex bytes, e.g. 52:54:00:00:00:0a)",
                "5:13: VM vm-a attaches to tap:eth1, which the uplink already uses",
                "6:11: vlan: VLAN 0 is outside 1..4094",
                "7:5: unknown key 'anti_spoof' in VM vm-a (did you mean 'anti_spoofing'?)",
                "8:5: vms[1] needs 'name'",
                "8:5: vms[1] needs 'attach'",
                "8:10: mac: 01:00:5e:00:00:01 is not a unicast address",
            ],
            Errors("uplink: { afpacket: eth1 }\nvms:\n  - name: vm-a\n    mac: not-a-mac\n    attach: { tap: eth1 }\n    vlan: 0\n    anti_spoof: false\n"
                + "  - mac: 01:00:5e:00:00:01\n"));

    [Fact]
    public void DuplicateVmNamesAndMacsAreRefused() =>
        Assert.Equal(
            [
                "6:11: VM name 'a' is already used by vms[0]",
                "10:10: MAC 52:54:00:00:00:0a is already VM a's in the same VLAN",
            ],
            Errors("uplink: { afpacket: eth1 }\nvms:\n  - name: a\n    mac: 52:54:00:00:00:0a\n    attach: { tap: t1 }\n"
                + "  - name: a\n    mac: 52:54:00:00:00:0b\n    attach: { tap: t2 }\n"
                + "  - name: c\n    mac: 52:54:00:00:00:0a\n    attach: { tap: t3 }\n"));

    [Fact]
    public void AVmMacMayRepeatInAnotherVlan()
    {
        DumbVswitchConfig config = DumbVswitchConfigLoader.Load(Write(
            "uplink: { afpacket: eth1 }\nvms:\n  - { name: a, mac: \"52:54:00:00:00:0a\", attach: { tap: t1 } }\n"
            + "  - { name: b, mac: \"52:54:00:00:00:0a\", attach: { tap: t2 }, vlan: 10 }\n"));
        Assert.Equal(2, config.Vms.Count);
    }

    private const string VsiExample =
        """
        uplink: { afpacket: eth1 }
        evb: { role: station, max_retries: 5, retransmit_exponent: 10, resource_wait_exponent: 14, keep_alive_exponent: 15, mac: "02:00:00:00:5a:01" }
        vms:
          - name: vm-a
            mac: 52:54:00:00:00:0a
            attach: { tap: tap-vma }
            vsi: { type: 42, version: 1, uuid: a1412857-60f7-4ce1-e95a-2164943f53aa, manager: mgr1 }
          - name: vm-b
            mac: 52:54:00:00:00:0b
            attach: { tap: tap-vmb }
            vlan: 10
            vsi: { type: 7, uuid: 11111111-2222-3333-4444-555555555555 }
          - name: vm-c
            mac: 52:54:00:00:00:0c
            attach: { tap: tap-vmc }
        """;

    [Fact]
    public void EvbAndVsisLoadWithTheirDefaults()
    {
        DumbVswitchConfig config = DumbVswitchConfigLoader.Load(Write(VsiExample));

        Assert.Equal(
            new StationConfig { MaxRetries = 5, RetransmitExponent = 10, ResourceWaitExponent = 14, KeepAliveExponent = 15, Mac = MacAddress.Parse("02:00:00:00:5a:01") },
            config.Evb);
        Assert.Equal(new VsiConfig(42, 1, Guid.Parse("a1412857-60f7-4ce1-e95a-2164943f53aa"), "mgr1"), config.Vms[0].Vsi);
        Assert.Equal(new VsiConfig(7, 0, Guid.Parse("11111111-2222-3333-4444-555555555555"), "hairpin"), config.Vms[1].Vsi);
        Assert.Equal(10, config.Vms[1].Vlan);
        Assert.Null(config.Vms[2].Vsi);
    }

    [Fact]
    public void AVsiImpliesEvbWithLldpadsTimers()
    {
        DumbVswitchConfig config = DumbVswitchConfigLoader.Load(Write(
            "uplink: { afpacket: eth1 }\nvms:\n  - { name: a, mac: \"52:54:00:00:00:0a\", attach: { tap: t1 }, vsi: { type: 42, uuid: a1412857-60f7-4ce1-e95a-2164943f53aa } }\n"));

        Assert.Equal(new StationConfig(), config.Evb);
        Assert.Equal((3, 8, 20, 20), (config.Evb!.MaxRetries, config.Evb.RetransmitExponent, config.Evb.ResourceWaitExponent, config.Evb.KeepAliveExponent));
    }

    [Fact]
    public void WithoutEvbOrVsiTheUplinkSpeaksNoQbg() => Assert.Null(DumbVswitchConfigLoader.Load(Write(IssueExample)).Evb);

    [Fact]
    public void EvbStationAloneAsksForRelayWithoutVsis() =>
        Assert.Equal(new StationConfig(), DumbVswitchConfigLoader.Load(Write("evb: station\n" + IssueExample)).Evb);

    [Fact]
    public void BadEvbValuesPointAtTheirNodes()
    {
        Assert.Equal(["1:6: evb: the dumb vswitch's uplink is a station; 'bridge' is a role of hairpin's ports"], Errors("evb: bridge\n" + IssueExample));
        Assert.Equal(
            [
                "1:21: max_retries: 9 is outside 0..7",
                "1:24: unknown key 'keep_alive' in evb (did you mean 'keep_alive_exponent'?)",
            ],
            Errors("evb: { max_retries: 9, keep_alive: 3 }\n" + IssueExample));
    }

    [Fact]
    public void BadVsiValuesPointAtTheirNodes() =>
        Assert.Equal(
            [
                "6:18: type: 16777216 is outside 0..16777215",
                "6:34: uuid: 'nope' is not a UUID (8-4-4-4-12 hex digits)",
                "6:49: manager: 'a-manager-id-too-long' is not a VSI manager ID (1 to 16 printable ASCII characters)",
                "6:72: unknown key 'versoin' in vsi of VM a (did you mean 'version'?)",
                "10:10: vsi of VM b needs 'type'",
                "10:10: vsi of VM b needs 'uuid'",
            ],
            Errors("uplink: { afpacket: eth1 }\nvms:\n  - name: a\n    mac: 52:54:00:00:00:0a\n    attach: { tap: t1 }\n"
                + "    vsi: { type: 16777216, uuid: nope, manager: a-manager-id-too-long, versoin: 1 }\n"
                + "  - name: b\n    mac: 52:54:00:00:00:0b\n    attach: { tap: t2 }\n    vsi: { version: 1 }\n"));

    [Fact]
    public void AVsisMacMustBeItsOwnInEveryVlanAndItsUuidUnique() =>
        Assert.Equal(
            [
                "8:10: MAC 52:54:00:00:00:0a is already VM a's: a VM with 'vsi:' needs a MAC no other VM has (the bridge may give it any VLAN)",
                "14:10: VSI a1412857-60f7-4ce1-e95a-2164943f53aa is already VM a's",
            ],
            Errors("uplink: { afpacket: eth1 }\nvms:\n  - name: a\n    mac: 52:54:00:00:00:0a\n    attach: { tap: t1 }\n"
                + "    vsi: { type: 42, uuid: a1412857-60f7-4ce1-e95a-2164943f53aa }\n"
                + "  - name: b\n    mac: 52:54:00:00:00:0a\n    attach: { tap: t2 }\n    vlan: 10\n"
                + "  - name: c\n    mac: 52:54:00:00:00:0c\n    attach: { tap: t3 }\n"
                + "    vsi: { type: 42, uuid: a1412857-60f7-4ce1-e95a-2164943f53aa }\n"));

    [Fact]
    public void UnknownTopLevelKeysSuggestTheNearest() =>
        Assert.Contains("3:1: unknown key 'vm' in the file (did you mean 'vms'?)", Errors("uplink: { afpacket: eth1 }\nvms: []\nvm: []\n"));

    [Fact]
    public void AYamlSyntaxErrorTheParserDoesNotReportItselfIsStillLocated() =>
        Assert.Equal(["2:1: YAML syntax: cannot read past here (is a '{', '[' or quote above left open?)"], Errors("a: { b: c\nd: e\n"));

    [Fact]
    public void DamagedCopiesOfTheExampleFailOnlyWithLocatedConfigErrors()
    {
        string example = File.ReadAllText(Example("dumb-vswitch.yaml"));
        foreach (string text in YamlMutations.Of(example, seed: 8, count: 2000))
        {
            YamlMutations.AssertLoadsOrFailsLocated(text, DumbVswitchConfigLoader.Parse);
        }
    }

    private static string Example(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, "examples", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"examples/{name} not found above {AppContext.BaseDirectory}");
    }
}
