// How the management commands fail: one line on stderr, and an exit code a script can branch on.
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;

namespace Hairpin.Host.Tests.Management;

public sealed class CommandErrorTests : IDisposable
{
    // One directory per test, removed after it: the run must not leave directories in /tmp.
    private readonly string _directory = ManagementFixture.NewDirectory();

    public void Dispose() => Directory.Delete(_directory, recursive: true);
    [Fact]
    public void A_missing_socket_exits_3_naming_the_path_and_errno()
    {
        string path = Path.Combine(_directory, "absent.sock");

        (int exit, string output, string error) = ManagementFixture.RunCli("--socket", path, "link", "show");

        Assert.Equal(3, exit);
        Assert.Equal("", output);
        Assert.Equal($"hairpin link: cannot reach {path}: No such file or directory (ENOENT)", ErrorLine.Single(error));
    }

    [Fact]
    public void A_socket_nobody_listens_on_exits_3()
    {
        string path = Path.Combine(_directory, "stale.sock");
        ManagementFixture.CreateStaleSocket(path);

        (int exit, _, string error) = ManagementFixture.RunCli("--socket", path, "stats");

        Assert.Equal(3, exit);
        Assert.Equal($"hairpin stats: cannot reach {path}: Connection refused (ECONNREFUSED): no server is listening", ErrorLine.Single(error));
    }

    [Fact]
    public async Task A_command_the_server_does_not_support_exits_1()
    {
        // A program without an FDB (as the dumb vswitch): it offers link show and stats only.
        string directory = ManagementFixture.NewDirectory();
        try
        {
            await using ManagementServer server = ManagementServer.Start(new PortsAndStatsOnly(), new ManagementConfig { Socket = Path.Combine(directory, "bridge.sock") });

            (int exit, _, string error) = ManagementFixture.RunCli(["--socket", server.SocketPath, "fdb", "show"]);

            Assert.Equal(1, exit);
            Assert.Equal("hairpin fdb: 'fdb.show' is not supported by this server", ErrorLine.Single(error));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);   // a test removes what it made (tests/run-all.sh checks)
        }
    }

    [Fact]
    public async Task An_internal_server_failure_exits_1_with_one_line()
    {
        await using var bridge = ManagementFixture.Start();
        bridge.Control.Failure = new InvalidOperationException("engine stopped");

        (int exit, _, string error) = bridge.Run("link");

        Assert.Equal(1, exit);
        Assert.Equal("hairpin link: internal error in 'link.show': engine stopped", ErrorLine.Single(error));
    }

    [Theory]
    [InlineData("link", "frob")]
    [InlineData("link", "set", "vm1", "hairpin", "on")]
    [InlineData("link", "set", "dev", "vm1")]
    [InlineData("config")]
    [InlineData("stats", "dev")]
    [InlineData("--socket")]
    public void Usage_errors_exit_2_with_one_line_before_touching_the_socket(params string[] args)
    {
        string path = Path.Combine(_directory, "absent.sock");

        (int exit, string output, string error) = ManagementFixture.RunCli(args.Prepend(path).Prepend("--socket").ToArray());

        Assert.Equal(2, exit);
        Assert.Equal("", output);
        ErrorLine.Single(error);
    }

    [Fact]
    public void The_socket_comes_from_the_option_then_the_environment_then_the_default()
    {
        Assert.Equal("/x.sock", Commands.CommandOptions.Parse(["--socket", "/x.sock", "link"], "/env.sock").Options.SocketPath);
        Assert.Equal("/y.sock", Commands.CommandOptions.Parse(["--socket=/y.sock"], null).Options.SocketPath);
        Assert.Equal("/env.sock", Commands.CommandOptions.Parse(["link"], "/env.sock").Options.SocketPath);
        Assert.Equal(Hairpin.Host.Configuration.ManagementConfig.DefaultSocket, Commands.CommandOptions.Parse(["link"], "").Options.SocketPath);
    }

    [Fact]
    public void Help_lists_the_management_commands_and_demo_still_runs()
    {
        (int exit, string output, _) = ManagementFixture.RunCli("--help");
        (int demo, string story, _) = ManagementFixture.RunCli("demo");

        Assert.Equal(0, exit);
        foreach (string command in new[] { "link set dev NAME", "fdb add MAC", "stats", "acl", "config reload", "trace dev NAME", "mvrp [show [dev NAME]]" })
        {
            Assert.Contains(command, output, StringComparison.Ordinal);
        }
        Assert.Equal(0, demo);
        Assert.StartsWith("hairpin demo:", story, StringComparison.Ordinal);
    }

    /// <summary>The surface every program has, and no capability beyond it.</summary>
    private sealed class PortsAndStatsOnly : IBridgeControl
    {
        public Task<IReadOnlyList<PortInfo>> ListPortsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<PortInfo>>([]);

        public Task<BridgeStats> StatsAsync(CancellationToken cancellationToken) => Task.FromResult(new BridgeStats([], []));
    }
}
