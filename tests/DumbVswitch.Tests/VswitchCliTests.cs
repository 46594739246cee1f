// `dumb-vswitch --config FILE` in-process: usage errors exit 2, a config that cannot be loaded or a
// port that cannot be attached exits 1 with the reason on stderr, a clean stop exits 0.
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Tests.Infrastructure;
using Hairpin.Host.Configuration;
using Hairpin.Host.Transports;
using static Hairpin.DumbVswitch.Tests.Infrastructure.TestVms;

namespace Hairpin.DumbVswitch.Tests;

public sealed class VswitchCliTests : IDisposable
{
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();
    private readonly MemoryTransports _transports = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("dvs-cli-").FullName;

    private string Socket => Path.Combine(_directory, "dvs.sock");

    private DumbVswitchConfig TwoVms(string path) => new()
    {
        SourceFile = path,
        Uplink = new StreamAttach("/tmp/uplink.sock", Listen: true),
        Vms = [Vm("vm1", Mac1), Vm("vm2", Mac2)],
        Management = new ManagementConfig { Socket = Socket },
    };

    private int Run(string[] args, Func<string, DumbVswitchConfig> load, CancellationToken? stop = null) =>
        VswitchCli.Run(args, _stdout, _stderr, load, _transports.Create, stop ?? new CancellationToken(canceled: true));

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData]
    [InlineData("--config")]
    [InlineData("--verbose", "x")]
    public void WithoutAConfigFileItIsAUsageError(params string[] args)
    {
        Assert.Equal(VswitchCli.UsageError, Run(args, TwoVms));
        Assert.StartsWith("dumb-vswitch: ", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void HelpGoesToStdout()
    {
        Assert.Equal(VswitchCli.Success, Run(["--help"], TwoVms));
        Assert.Contains("usage: dumb-vswitch --config FILE", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AConfigThatCannotBeLoadedExits1WithTheReason()
    {
        int exit = Run(["--config", "/nonexistent.yaml"], path => throw new FileNotFoundException($"{path}: no such file"));

        Assert.Equal(VswitchCli.Failure, exit);
        Assert.Equal("dumb-vswitch: /nonexistent.yaml: no such file", _stderr.ToString().Trim());
    }

    [Fact]
    public void AYamlSyntaxErrorIsOneLocatedLineAndExit1()
    {
        string file = Path.Combine(_directory, "bad.yaml");
        File.WriteAllText(file, "a: { b: c\nd: e\n");

        int exit = Run(["--config", file], DumbVswitchConfigLoader.Load);

        Assert.Equal(VswitchCli.Failure, exit);
        Assert.Equal($"{file}:2:1: YAML syntax: cannot read past here (is a '{{', '[' or quote above left open?)" + Environment.NewLine, _stderr.ToString());
    }

    [Fact]
    public void AnInvalidVmListExits1()
    {
        int exit = Run(["--config=x.yaml"], path => TwoVms(path) with { Vms = [Vm("a", Mac1), Vm("b", Mac1)] });

        Assert.Equal(VswitchCli.Failure, exit);
        Assert.Contains("share MAC", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ItRunsUntilStoppedThenExits0()
    {
        using var stop = new CancellationTokenSource();
        string? loaded = null;
        Task<int> run = Task.Run(() => Run(["--config", "vs.yaml"], path => TwoVms(loaded = path), stop.Token));
        Assert.True(await Eventually.HoldsAsync(() => _transports.All.Count() == 3));

        await stop.CancelAsync();

        Assert.Equal(VswitchCli.Success, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("vs.yaml", loaded);
        Assert.All(_transports.All, t => Assert.True(t.Disposed));
    }

    [Fact]
    public async Task HairpinLinkShowAndStatsWorkAgainstItsManagementSocket()
    {
        using var stop = new CancellationTokenSource();
        Task<int> run = Task.Run(() => Run(["--config", "vs.yaml"], TwoVms, stop.Token));
        try
        {
            Assert.True(await Eventually.HoldsAsync(() => File.Exists(Socket) && _transports.All.Count() == 3));
            using var linkOut = new StringWriter();
            using var statsOut = new StringWriter();
            using var errors = new StringWriter();

            int link = Hairpin.Host.Cli.Run(["--socket", Socket, "link", "show"], linkOut, errors);
            int stats = Hairpin.Host.Cli.Run(["--socket", Socket, "stats"], statsOut, errors);

            Assert.True(link == 0 && stats == 0, errors.ToString());
            Assert.Contains("uplink", linkOut.ToString(), StringComparison.Ordinal);
            Assert.Contains("vm2", linkOut.ToString(), StringComparison.Ordinal);
            Assert.Contains("vm1", statsOut.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(VswitchCli.Success, await run.WaitAsync(TimeSpan.FromSeconds(10)));
        }
        Assert.False(File.Exists(Socket));
    }
}
