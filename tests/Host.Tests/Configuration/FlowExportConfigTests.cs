// The `flow_export:` key: its defaults, every setting read, and each bad value refused at its line
// with the reason, as every other key is.
using Hairpin.Host.Configuration;

namespace Hairpin.Host.Tests.Configuration;

public sealed class FlowExportConfigTests
{
    private const string Ports =
        """
        ports:
          - { name: hv1, attach: { afpacket: hv1 } }

        """;

    [Fact]
    public void WithoutTheBlockNoFlowIsExported() => Assert.Null(ConfigFile.Load(Ports).FlowExport);

    [Fact]
    public void OnlyCollectorsAreRequiredAndTheRestHasDefaults()
    {
        FlowExportConfig config = ConfigFile.Load(Ports + "flow_export: { collectors: [ \"127.0.0.1:4739\" ] }\n").FlowExport!;

        Assert.Equal(["127.0.0.1:4739"], config.Collectors);
        Assert.Equal((TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(15), 65_536, 1, 0u, TimeSpan.FromSeconds(30)),
            (config.ActiveTimeout, config.IdleTimeout, config.CacheSize, config.Sampling, config.ObservationDomain, config.TemplateInterval));
    }

    [Fact]
    public void EverySettingIsRead()
    {
        FlowExportConfig config = ConfigFile.Load(Ports +
            """
            flow_export:
              collectors: [ "192.0.2.9:4739", "[2001:db8::9]:2055", "collector.example:9995" ]
              active_timeout: 5m
              idle_timeout: 10s
              cache_size: 1000
              sampling: 100
              observation_domain: 4294967295
              template_interval: 2m

            """).FlowExport!;

        Assert.Equal(["192.0.2.9:4739", "[2001:db8::9]:2055", "collector.example:9995"], config.Collectors);
        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(10), 1000, 100, uint.MaxValue, TimeSpan.FromMinutes(2)),
            (config.ActiveTimeout, config.IdleTimeout, config.CacheSize, config.Sampling, config.ObservationDomain, config.TemplateInterval));
        Assert.Equal(1000, config.MonitorOptions.Capacity);
        Assert.Equal(100, config.MonitorOptions.SamplingInterval);
    }

    [Theory]
    [InlineData("flow_export: { idle_timeout: 10s }", "3:14: flow_export needs 'collectors'")]
    [InlineData("flow_export: { collectors: [ ] }", "3:28: flow_export.collectors is empty")]
    [InlineData("flow_export: { collectors: \"127.0.0.1:4739\" }", "3:28: 'collectors' must be a list")]
    [InlineData("flow_export: { collectors: [ \"127.0.0.1\" ] }", "3:30: collectors: '127.0.0.1' is not HOST:PORT")]
    [InlineData("flow_export: { collectors: [ \"127.0.0.1:0\" ] }", "3:30: collectors: '127.0.0.1:0' is not HOST:PORT with a port 1..65535")]
    [InlineData("flow_export: { collectors: [ \"127.0.0.1:70000\" ] }", "is not HOST:PORT with a port 1..65535")]
    [InlineData("flow_export: { collectors: [ \"bad host:4739\" ] }", "'bad host' is neither an IP address nor a host name")]
    [InlineData("flow_export: { collectors: [ \"2001:db8::9:4739\" ] }", "an IPv6 address goes in brackets")]
    [InlineData("flow_export: { collectors: [ \"127.0.0.1:4739\" ], idle_timeout: 100ms }", "idle_timeout: '100ms' is shorter than a second")]
    [InlineData("flow_export: { collectors: [ \"127.0.0.1:4739\" ], active_timeout: soon }", "active_timeout: 'soon' is not a duration")]
    [InlineData("flow_export: { collectors: [ \"127.0.0.1:4739\" ], cache_size: 0 }", "cache_size: 0 is outside 1..4194304")]
    [InlineData("flow_export: { collectors: [ \"127.0.0.1:4739\" ], sampling: 0 }", "sampling: 0 is outside 1..1000000")]
    [InlineData("flow_export: { collectors: [ \"127.0.0.1:4739\" ], observation_domain: -1 }", "observation_domain: -1 is outside 0..4294967295")]
    [InlineData("flow_export: { collectors: [ \"127.0.0.1:4739\" ], observation_domain: 4294967296 }", "observation_domain: 4294967296 is outside 0..4294967295")]
    [InlineData("flow_export: { collectors: [ \"127.0.0.1:4739\" ], idle: 10s }", "unknown key 'idle' in flow_export (did you mean 'idle_timeout'?)")]
    [InlineData("flow_export: 127.0.0.1:4739", "flow_export must be a mapping")]
    public void BadFlowExportSettingsAreRefusedAtTheirLine(string line, string expected)
    {
        string error = Assert.Single(ConfigFile.Errors(Ports + line + "\n"));

        Assert.True(error.Contains(expected, StringComparison.Ordinal), error);
        Assert.StartsWith("3:", error, StringComparison.Ordinal);
    }
}
