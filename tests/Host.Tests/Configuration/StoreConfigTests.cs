// The `store:` key: the embedded default and its file's path, the etcd form with its defaults, and its
// errors located at the line that causes them.
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Tests.Configuration;

public sealed class StoreConfigTests
{
    private const string Ports =
        """
        ports:
          - { name: hv1, attach: { afpacket: hv1 } }

        """;

    [Fact]
    public void WithoutStoreTheEmbeddedStoreKeepsItsFileAtTheDefaultPath()
    {
        using var file = new ConfigFile();
        string path = file.Write(Ports);

        HostConfig config = HostConfigLoader.Load(path);

        var embedded = Assert.IsType<StoreConfig.Embedded>(config.Store);
        Assert.Equal(EmbeddedStorePath.Default(path), embedded.File);
        Assert.EndsWith(".vsi.json", embedded.File, StringComparison.Ordinal);
    }

    [Fact]
    public void AStoreFileIsReadRelativeToTheConfigFile()
    {
        using var file = new ConfigFile();
        string path = file.Write(Ports + "store: { file: state/vsi.json }\n");

        var embedded = Assert.IsType<StoreConfig.Embedded>(HostConfigLoader.Load(path).Store);

        Assert.Equal(Path.Combine(Path.GetDirectoryName(path)!, "state", "vsi.json"), embedded.File);
        Assert.Equal("/srv/vsi.json", Assert.IsType<StoreConfig.Embedded>(ConfigFile.Load(Ports + "store: { file: /srv/vsi.json }\n").Store).File);
    }

    [Fact]
    public void AnEtcdStoreTakesItsSettingsAndDefaultsTheRest()
    {
        HostConfig full = ConfigFile.Load(Ports + """
            store:
              etcd: [ "http://127.0.0.1:2379", "https://etcd2.example:2379" ]
              prefix: /site-a
              name: rack1
              lease_ttl: 30
            """);
        HostConfig least = ConfigFile.Load(Ports + "store: { etcd: [ \"http://127.0.0.1:2379\" ] }\n");

        Assert.Equal(new StoreConfig.Etcd(["http://127.0.0.1:2379", "https://etcd2.example:2379"], "/site-a", "rack1", 30), full.Store);
        Assert.Equal(new StoreConfig.Etcd(["http://127.0.0.1:2379"], "/hairpin", Environment.MachineName, 10), least.Store);
    }

    [Fact]
    public void ForgetAfterIsEitherStoresAndDefaultsToThirtyDays()
    {
        StoreConfig embedded = ConfigFile.Load(Ports + "store: { forget_after: 7d }\n").Store;
        StoreConfig etcd = ConfigFile.Load(Ports + "store: { etcd: [ \"http://127.0.0.1:2379\" ], forget_after: 12h }\n").Store;

        Assert.Equal(TimeSpan.FromDays(30), ConfigFile.Load(Ports).Store.ForgetAfter);
        Assert.Equal((TimeSpan.FromDays(7), TimeSpan.FromHours(12)), (embedded.ForgetAfter, etcd.ForgetAfter));
        Assert.EndsWith(", forget_after 12h", etcd.Describe(), StringComparison.Ordinal);
        Assert.DoesNotContain("forget_after", ConfigFile.Load(Ports).Store.Describe(), StringComparison.Ordinal);
        // A reload that changes only forget_after changes the store: it is refused as every other store change.
        Assert.NotEqual(etcd, etcd with { ForgetAfter = TimeSpan.FromDays(30) });
    }

    [Theory]
    [InlineData("store: { etcd: [ \"127.0.0.1:2379\" ] }", "not an etcd endpoint")]
    [InlineData("store: { etcd: [ \"ftp://127.0.0.1:2379\" ] }", "not an etcd endpoint")]
    [InlineData("store: { etcd: [ ] }", "store.etcd is empty")]
    [InlineData("store: { etcd: \"http://127.0.0.1:2379\" }", "'etcd' must be a list")]
    [InlineData("store: { etcd: [ \"http://127.0.0.1:2379\" ], prefix: hairpin }", "starts with '/'")]
    [InlineData("store: { etcd: [ \"http://127.0.0.1:2379\" ], lease_ttl: 1 }", "lease_ttl: 1 is outside 2..300")]
    [InlineData("store: { etcd: [ \"http://127.0.0.1:2379\" ], lease_ttl: 301 }", "lease_ttl: 301 is outside 2..300")]
    [InlineData("store: { etcd: [ \"http://127.0.0.1:2379\" ], name: a/b }", "not an appliance name")]
    [InlineData("store: { etcd: [ \"http://127.0.0.1:2379\" ], file: /srv/vsi.json }", "'file' (embedded) or 'etcd', not both")]
    [InlineData("store: { file: /srv/vsi.json, prefix: /hairpin }", "'prefix' is a setting of the etcd store")]
    [InlineData("store: { file: /srv/ }", "is a directory")]
    [InlineData("store: { fil: /srv/vsi.json }", "did you mean 'file'?")]
    [InlineData("store: etcd", "store must be a mapping")]
    [InlineData("store: { forget_after: 59m }", "'59m' is shorter than an hour")]
    [InlineData("store: { forget_after: 400d }", "longer than a year")]
    public void BadStoreSettingsAreRefusedAtTheirLine(string line, string expected)
    {
        string error = Assert.Single(ConfigFile.Errors(Ports + line + "\n"));

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.StartsWith("3:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SystemdsStateDirectoryComesFirst()
    {
        string path = EmbeddedStorePath.Default("/etc/hairpin/bridge.yaml",
            name => name == "STATE_DIRECTORY" ? "/var/lib/hairpin-a:/var/lib/other" : "/home/u", privileged: false);

        Assert.Equal($"/var/lib/hairpin-a/{EmbeddedStorePath.FileName("/etc/hairpin/bridge.yaml")}", path);
    }

    [Fact]
    public void RootKeepsItUnderVarLibAndAUserUnderItsXdgStateHome()
    {
        string root = EmbeddedStorePath.Default("/etc/hairpin/bridge.yaml", _ => null, privileged: true);
        string xdg = EmbeddedStorePath.Default("/etc/hairpin/bridge.yaml", name => name switch
        {
            "XDG_STATE_HOME" => "/home/u/state",
            "HOME" => "/home/u",
            _ => null,
        }, privileged: false);
        string home = EmbeddedStorePath.Default("/etc/hairpin/bridge.yaml", name => name == "HOME" ? "/home/u" : null, privileged: false);
        string relativeXdg = EmbeddedStorePath.Default("/etc/hairpin/bridge.yaml", name => name switch
        {
            "XDG_STATE_HOME" => "state",
            "HOME" => "/home/u",
            _ => null,
        }, privileged: false);

        Assert.StartsWith("/var/lib/hairpin/bridge-", root, StringComparison.Ordinal);
        Assert.StartsWith("/home/u/state/hairpin/bridge-", xdg, StringComparison.Ordinal);
        Assert.StartsWith("/home/u/.local/state/hairpin/bridge-", home, StringComparison.Ordinal);
        Assert.StartsWith("/home/u/.local/state/hairpin/bridge-", relativeXdg, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoConfigFilesOfOneNameGetDifferentStoreFilesAndOneFileAlwaysTheSame()
    {
        string a = EmbeddedStorePath.FileName("/etc/hairpin/a/bridge.yaml");
        string b = EmbeddedStorePath.FileName("/etc/hairpin/b/bridge.yaml");

        Assert.NotEqual(a, b);
        Assert.Equal(a, EmbeddedStorePath.FileName("/etc/hairpin/a/../a/bridge.yaml"));
        Assert.Matches("^bridge-[0-9a-f]{8}\\.vsi\\.json$", a);
    }
}
