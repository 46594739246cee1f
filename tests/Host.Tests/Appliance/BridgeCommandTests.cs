// `hairpin bridge` as an operator meets it when something is wrong: a config error names file, line
// and reason; a start-up problem (the management socket already served) is one line; both exit 1.
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Tests.Management;

namespace Hairpin.Host.Tests.Appliance;

public sealed class BridgeCommandTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"hairpin-cmd-{Guid.NewGuid():N}");

    public BridgeCommandTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = Cli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Config(string body)
    {
        string file = Path.Combine(_directory, "bridge.yaml");
        File.WriteAllText(file, body);
        return file;
    }

    [Fact]
    public void AConfigErrorNamesFileLineAndReasonAndExits1()
    {
        string file = Config("ports:\n  - name: hv1\n    attach: { tap: t1 }\n    hairpn: true\n");
        var (exit, output, error) = Run("bridge", "--config", file);
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"{file}:4:5: ", error, StringComparison.Ordinal);
        Assert.Contains("hairpin", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AYamlSyntaxErrorTheParserDoesNotReportItselfExits1WithOneLocatedLineAndNoStackTrace()
    {
        // Issue 8's reproducer, run as the real program: it used to abort (exit 134) with YamlDotNet's stack trace.
        string file = Config("a: { b: c\nd: e\n");
        ProcessRunner.Result run = await ProcessRunner.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "hairpin.dll"), "bridge", "--config", file], check: false);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Equal($"{file}:2:1: YAML syntax: cannot read past here (is a '{{', '[' or quote above left open?)\n", run.Error);
    }

    [Fact]
    public async Task AManagementSocketAnotherServerAnswersOnIsOneLineAndExit1()
    {
        string socket = Path.Combine(_directory, "bridge.sock");
        await using ManagementServer other = ManagementServer.Start(new FakeBridgeControl(), new ManagementConfig { Socket = socket });
        string file = Config($"ports:\n  - name: vm1\n    attach: {{ stream: {{ listen: {_directory}/vm1.sock }} }}\nmanagement:\n  socket: {socket}\n");
        var (exit, _, error) = Run("bridge", "--config", file, "--log-level", "none");
        Assert.Equal(1, exit);
        Assert.Equal($"hairpin bridge: {socket} is in use by another running server\n", error);
    }

    [Fact]
    public void MissingConfigIsAUsageError()
    {
        var (exit, _, error) = Run("bridge");
        Assert.Equal(2, exit);
        Assert.Contains("--config FILE is required", error, StringComparison.Ordinal);
    }
}
