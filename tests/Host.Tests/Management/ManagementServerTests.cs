// The server side of the management socket: who may connect, and that no request can take it down.
using System.Diagnostics;
using System.Runtime.Versioning;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Tests.Infrastructure;

namespace Hairpin.Host.Tests.Management;

[UnsupportedOSPlatform("windows")]   // the management socket is a Unix socket with Unix permissions
public sealed class ManagementServerTests
{
    [Fact]
    public async Task Without_a_group_the_socket_is_0600()
    {
        await using var bridge = ManagementFixture.Start();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(bridge.SocketPath));
    }

    [Fact]
    public async Task With_a_group_the_socket_is_0660_and_belongs_to_that_group()
    {
        string group = GroupToUse();
        await using var bridge = ManagementFixture.Start(group);

        Assert.Equal(UnixSocketAccess.OwnerAndGroup, File.GetUnixFileMode(bridge.SocketPath));
        Assert.Equal(group, Stat("%G", bridge.SocketPath));
    }

    [Fact]
    public void An_unknown_group_fails_the_start_and_leaves_no_socket()
    {
        using var scratch = ScratchDirectory.Create();
        string directory = scratch.Path;
        var config = new ManagementConfig { Socket = Path.Combine(directory, "bridge.sock"), Group = "no-such-group-hairpin" };

        IOException e = Assert.Throws<IOException>(() => ManagementServer.Start(new FakeBridgeControl(), config));

        Assert.Contains("no-such-group-hairpin", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(directory));
        Directory.Delete(directory);
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"version\":1}")]
    [InlineData("{\"version\":1,\"command\":\"reboot\"}")]
    [InlineData("{\"version\":9,\"command\":\"link.show\"}")]
    [InlineData("{\"version\":1,\"command\":\"link.set\",\"args\":{\"changes\":{\"hairpin\":true}}}")]
    [InlineData("{\"version\":1,\"command\":\"link.set\",\"args\":{\"port\":\"vm1\",\"changes\":{\"hairpin\":\"yes\"}}}")]
    [InlineData("{\"version\":1,\"command\":\"link.set\",\"args\":{\"port\":\"vm1\",\"changes\":{}}}")]
    [InlineData("{\"version\":1,\"command\":\"fdb.show\",\"args\":{\"colour\":\"red\"}}")]
    [InlineData("")]
    public async Task A_malformed_request_gets_an_error_answer_and_the_server_keeps_serving(string line)
    {
        await using var bridge = ManagementFixture.Start();

        using JsonDocument answer = JsonDocument.Parse(SendRaw(bridge.SocketPath, line + "\n"));
        (int exit, _, _) = bridge.Run("link", "show");

        Assert.False(answer.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("malformed", answer.RootElement.GetProperty("errorKind").GetString());
        Assert.Equal(0, exit);
        Assert.Empty(bridge.Control.FlagChanges);
    }

    [Fact]
    public async Task An_oversized_request_is_refused_and_the_server_keeps_serving()
    {
        await using var bridge = ManagementFixture.Start();

        string answer = SendRaw(bridge.SocketPath, new string('x', ManagementServer.MaxRequestSize + 10));
        (int exit, _, _) = bridge.Run("stats");

        Assert.Contains("\"malformed\"", answer, StringComparison.Ordinal);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task A_client_that_hangs_up_without_a_request_does_not_disturb_the_next()
    {
        await using var bridge = ManagementFixture.Start();
        using (var socket = Connect(bridge.SocketPath))
        {
            socket.Send("{\"version\":1,"u8.ToArray());
        }

        (int exit, _, _) = bridge.Run("link");

        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task Concurrent_clients_each_get_their_own_answer()
    {
        await using var bridge = ManagementFixture.Start();

        // Each client on its own thread, as separate `hairpin` processes would be: blocking 40 thread-pool
        // threads would starve the in-process server instead of testing it.
        var results = new (int Exit, string Out, string Error)[40];
        Thread[] clients = [.. Enumerable.Range(0, results.Length).Select(i => new Thread(() =>
            results[i] = bridge.Run("fdb", "add", $"52:54:00:00:01:{i:x2}", "dev", "vm1")))];
        Array.ForEach(clients, client => client.Start());
        Array.ForEach(clients, client => client.Join());

        Assert.All(results, result => Assert.Equal((0, ""), (result.Exit, result.Error)));
        Assert.Equal(40, bridge.Control.FdbAdds.Count);
    }

    [Theory]
    [InlineData("{\"version\":1,\"command\":\"link.show\"}")]     // exactly as specs/cli.md shows it for socat
    [InlineData("{\"version\":1,\"command\":\"config.reload\"}")]
    [InlineData("{\"version\":1,\"command\":\"stats\",\"args\":null}")]
    public async Task A_request_without_args_is_answered_as_specs_cli_md_shows_it(string line)
    {
        await using var bridge = ManagementFixture.Start();

        using JsonDocument answer = JsonDocument.Parse(SendRaw(bridge.SocketPath, line + "\n"));

        Assert.True(answer.RootElement.GetProperty("ok").GetBoolean(), answer.RootElement.ToString());
    }

    [Fact]
    public async Task Clients_that_connect_and_never_send_do_not_hold_up_a_command()
    {
        await using var bridge = ManagementFixture.Start();
        var idle = new List<Socket>();
        try
        {
            for (int i = 0; i < 20; i++)
            {
                idle.Add(Connect(bridge.SocketPath));
            }

            var clock = Stopwatch.StartNew();
            (int exit, string output, string error) = await Task.Run(() => bridge.Run("link", "show"));

            Assert.Equal((0, ""), (exit, error));
            Assert.Contains("vm1", output, StringComparison.Ordinal);
            // A liveness bound, not a speed benchmark: queued behind the idle clients it took 10 s or more.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"link show took {clock.Elapsed.TotalSeconds:0.0} s with 20 idle clients connected");
        }
        finally
        {
            idle.ForEach(socket => socket.Dispose());
        }
    }

    [Fact]
    public async Task At_the_bound_a_new_client_takes_the_place_of_the_longest_idle_one()
    {
        await using var bridge = ManagementFixture.Start();
        var idle = new List<Socket>();
        try
        {
            for (int i = 0; i < ManagementServer.MaxConnections; i++)
            {
                idle.Add(Connect(bridge.SocketPath));
            }
            await Task.Delay(ManagementServer.IdleBeforeEviction + TimeSpan.FromMilliseconds(200));

            var clock = Stopwatch.StartNew();
            (int exit, _, string error) = await Task.Run(() => bridge.Run("link", "show"));

            Assert.Equal((0, ""), (exit, error));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"link show took {clock.Elapsed.TotalSeconds:0.0} s with {idle.Count} idle clients connected");
            // One of them (the one whose read began first) was closed to make room: readable, with nothing to read.
            Assert.Contains(idle, socket => socket.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead) && socket.Available == 0);
        }
        finally
        {
            idle.ForEach(socket => socket.Dispose());
        }
    }

    [Fact]
    public async Task When_every_connection_is_busy_a_new_one_is_answered_busy_at_once_and_served_once_they_finish()
    {
        await using var bridge = ManagementFixture.Start();
        bridge.Control.StatsGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = new List<Socket>();
        try
        {
            for (int i = 0; i < ManagementServer.MaxConnections; i++)
            {
                Socket client = Connect(bridge.SocketPath);
                waiting.Add(client);
                client.Send(Encoding.UTF8.GetBytes("{\"version\":1,\"command\":\"stats\"}\n"));
            }

            var clock = Stopwatch.StartNew();
            (int exit, _, string error) = await Task.Run(() => bridge.Run("link", "show"));

            Assert.Equal(3, exit);
            Assert.Contains("busy", error, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the refusal took {clock.Elapsed.TotalSeconds:0.0} s");

            bridge.Control.StatsGate.SetResult();
            foreach (Socket client in waiting)
            {
                client.ReceiveTimeout = 10_000;
                Assert.True(client.Receive(new byte[4096]) > 0, "each waiting request is answered once the bridge gets to it");
            }
        }
        finally
        {
            waiting.ForEach(socket => socket.Dispose());
        }
        (int Exit, string Out, string Error) after = (3, "", "");
        for (int attempt = 0; attempt < 100 && after.Exit != 0; attempt++)   // the server notices the hang-ups as they arrive
        {
            after = await Task.Run(() => bridge.Run("link", "show"));
            await Task.Delay(after.Exit == 0 ? 0 : 20);
        }
        Assert.Equal(0, after.Exit);
    }

    [Fact]
    public async Task A_stale_socket_is_replaced_but_a_live_server_is_not()
    {
        using var scratch = ScratchDirectory.Create();
        string path = scratch.File("bridge.sock");
        ManagementFixture.CreateStaleSocket(path);
        Assert.True(File.Exists(path));
        var config = new ManagementConfig { Socket = path };

        await using (ManagementServer server = ManagementServer.Start(new FakeBridgeControl(), config))
        {
            Assert.Throws<IOException>(() => ManagementServer.Start(new FakeBridgeControl(), config));
            (int exit, _, _) = ManagementFixture.RunCli("--socket", path, "link");
            Assert.Equal(0, exit);
        }

        Assert.False(File.Exists(path));
    }

    private static Socket Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    /// <summary>Writes <paramref name="text"/> as it is and returns everything the server answers.</summary>
    private static string SendRaw(string path, string text)
    {
        using Socket socket = Connect(path);
        socket.ReceiveTimeout = 10_000;
        socket.Send(Encoding.UTF8.GetBytes(text));
        socket.Shutdown(SocketShutdown.Send);
        var answer = new MemoryStream();
        byte[] buffer = new byte[4096];
        int received;
        while ((received = socket.Receive(buffer)) > 0)
        {
            answer.Write(buffer, 0, received);
        }
        return Encoding.UTF8.GetString(answer.ToArray());
    }

    /// <summary>A group other than our own where we may choose one (root), so the chgrp is observable.</summary>
    private static string GroupToUse()
    {
        string own = Run("id", "-gn");
        return Run("id", "-u") == "0" && Run("getent", "group", "daemon").Length > 0 ? "daemon" : own;
    }

    private static string Stat(string format, string path) => Run("stat", "-c", format, path);

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }
}
