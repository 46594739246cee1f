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
