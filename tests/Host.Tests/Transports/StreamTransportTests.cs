// StreamTransport against a peer speaking QEMU's stream framing over a real Unix socket (and TCP on
// loopback): both directions, disconnect and reconnect, protocol errors, connect-mode retries.
using System.Net;
using System.Net.Sockets;
using Hairpin.Host.Tests.Infrastructure;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Tests.Transports;

public sealed class StreamTransportTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"hairpin-stream-{Guid.NewGuid():N}"[..32]);
    private readonly byte[] _vmMac = TestFrames.RandomMac();

    /// <summary>In a directory that does not exist yet: listen must create it.</summary>
    private string SocketPath => Path.Combine(_directory, "run", "vm1.sock");

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Connects as soon as the transport listens (the file appears at bind, a moment before listen).</summary>
    private async Task<QemuStreamPeer> ConnectWhenListeningAsync()
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (true)
        {
            try
            {
                return await QemuStreamPeer.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }

    private static async Task ExchangeBothWaysAsync(RunningPort port, QemuStreamPeer peer, byte[] vmMac)
    {
        string marker = TestFrames.NewMarker();
        await peer.SendFrameAsync(TestFrames.Marked(vmMac, marker));
        await port.ReceiveAsync(f => TestFrames.Contains(f, marker), "a frame from the peer in Inbound");

        byte[] toVm = TestFrames.Marked(TestFrames.RandomMac(), TestFrames.NewMarker(), size: 1514);
        Assert.True(port.Send(toVm));
        Assert.Equal(toVm, await peer.ReceiveFrameAsync());
    }

    [Fact(Timeout = 30_000)]
    public async Task ListenModeExchangesFramesBothWaysWithAQemuStylePeer()
    {
        await using var port = new RunningPort(new StreamAttach(SocketPath, Listen: true));
        using QemuStreamPeer peer = await ConnectWhenListeningAsync();
        await port.UpAsync();

        byte[] small = TestFrames.Marked(_vmMac, "small");
        byte[] large = TestFrames.Marked(_vmMac, "large", size: 1514);
        await peer.SendFrameAsync(small);
        await peer.SendFrameAsync(large);
        // A frame whose length prefix and body arrive in separate writes (and so separate reads).
        byte[] split = TestFrames.Marked(_vmMac, "split", size: 900);
        byte[] message = new byte[4 + split.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(message, (uint)split.Length);
        split.CopyTo(message, 4);
        await peer.SendRawAsync(message[..2]);
        await Task.Delay(50);
        await peer.SendRawAsync(message[2..500]);
        await Task.Delay(50);
        await peer.SendRawAsync(message[500..]);

        await Eventually.TrueAsync(() => port.Received.Count >= 3, "three frames in Inbound");
        Assert.Equal([small, large, split], port.Received.Take(3));

        byte[] first = TestFrames.Marked(TestFrames.RandomMac(), "to-vm-1");
        byte[] second = TestFrames.Marked(TestFrames.RandomMac(), "to-vm-2", size: 1514);
        Assert.True(port.Send(first));
        Assert.True(port.Send(second));
        Assert.Equal(first, await peer.ReceiveFrameAsync());
        Assert.Equal(second, await peer.ReceiveFrameAsync());
        Assert.Equal(0, port.Queues.ProtocolErrors);
    }

    [Fact(Timeout = 30_000)]
    public async Task ListenModeAcceptsAgainAfterThePeerDisconnects()
    {
        await using var port = new RunningPort(new StreamAttach(SocketPath, Listen: true));
        using (QemuStreamPeer first = await ConnectWhenListeningAsync())
        {
            await port.UpAsync();
            await ExchangeBothWaysAsync(port, first, _vmMac);
        }
        // The listener's backlog takes the reconnect at once, so "down" may last only a moment: count it instead.
        await Eventually.TrueAsync(() => port.Queues.Counters.LinkDowns == 1, "the link going down once");
        Assert.Equal(1, port.Queues.Counters.LinkDowns);
        Assert.Contains("closed", port.Queues.DownReason, StringComparison.Ordinal);

        // Frames for an absent VM are dropped and counted, not delivered to the next peer.
        port.Send(TestFrames.Marked(TestFrames.RandomMac(), "stale"));
        await Eventually.TrueAsync(() => port.Queues.Counters.Dropped(LinkDropReason.TxLinkDown) >= 1, "the stale frame counted as dropped");

        using QemuStreamPeer second = await ConnectWhenListeningAsync();
        await port.UpAsync();
        await ExchangeBothWaysAsync(port, second, _vmMac);
    }

    [Theory(Timeout = 30_000)]
    [InlineData(0u)]
    [InlineData(69633u)]
    [InlineData(0xFFFFFFFFu)]
    public async Task ABadFrameLengthDropsTheConnectionAndTheListenerAcceptsAgain(uint badLength)
    {
        await using var port = new RunningPort(new StreamAttach(SocketPath, Listen: true));
        using (QemuStreamPeer broken = await ConnectWhenListeningAsync())
        {
            await port.UpAsync();
            byte[] header = new byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header, badLength);
            await broken.SendRawAsync([.. header, .. new byte[64]]);
            Assert.True(await broken.ClosedByOtherSideAsync(), "the transport should close a connection that breaks the framing");
        }
        await port.DownAsync();
        Assert.Equal(1, port.Queues.ProtocolErrors);
        Assert.Equal(1, port.Queues.Counters.Dropped(LinkDropReason.RxProtocolError));   // the announced frame: received and lost
        Assert.Equal(1, port.Queues.Counters.RxFrames);
        Assert.Contains("protocol error", port.Queues.DownReason, StringComparison.Ordinal);

        using QemuStreamPeer good = await ConnectWhenListeningAsync();
        await port.UpAsync();
        await ExchangeBothWaysAsync(port, good, _vmMac);
    }

    [Fact(Timeout = 30_000)]
    public async Task TheLargestLegalFrameKeepsTheConnectionAndIsCountedAsOversizedForItsSlot()
    {
        await using var port = new RunningPort(new StreamAttach(SocketPath, Listen: true));
        using QemuStreamPeer peer = await ConnectWhenListeningAsync();
        await port.UpAsync();

        await peer.SendFrameAsync(new byte[69632]);
        await Eventually.TrueAsync(() => port.Queues.Counters.Dropped(LinkDropReason.RxTooBig) == 1, "the 69,632-byte frame counted as oversized");
        await ExchangeBothWaysAsync(port, peer, _vmMac);
        Assert.Equal(0, port.Queues.ProtocolErrors);
        Assert.Equal(0, port.Queues.Counters.LinkDowns);
    }

    [Fact(Timeout = 30_000)]
    public async Task ListenReplacesAStaleSocketFileLeftByACrashedProcess()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SocketPath)!);
        // .NET removes its own socket files on Dispose, so the crashed process is a python3 that just exits.
        await ProcessRunner.RunAsync("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", SocketPath]);
        Assert.True(File.Exists(SocketPath));

        await using var port = new RunningPort(new StreamAttach(SocketPath, Listen: true));
        await Eventually.TrueAsync(() => port.Queues.DownReason?.Contains("no peer yet", StringComparison.Ordinal) == true, "listening");
        using QemuStreamPeer peer = await ConnectWhenListeningAsync();
        await port.UpAsync();
        await ExchangeBothWaysAsync(port, peer, _vmMac);
    }

    [Fact(Timeout = 30_000)]
    public async Task ConnectModeRetriesUntilAListenerAppearsAndReconnectsAfterItLeaves()
    {
        await using var port = new RunningPort(new StreamAttach(SocketPath, Listen: false));
        await Task.Delay(400);   // several failed attempts (100, 200 ms ...)
        Assert.False(port.Queues.IsUp);
        Assert.Contains("connecting to", port.Queues.DownReason, StringComparison.Ordinal);

        Directory.CreateDirectory(Path.GetDirectoryName(SocketPath)!);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        listener.Listen(1);
        using (var firstAccept = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        using (var first = new QemuStreamPeer(await listener.AcceptAsync(firstAccept.Token)))
        {
            await port.UpAsync();
            await ExchangeBothWaysAsync(port, first, _vmMac);
        }
        // The listener's backlog takes the reconnect at once, so "down" may last only a moment: count it instead.
        await Eventually.TrueAsync(() => port.Queues.Counters.LinkDowns == 1, "the link going down once");

        using var secondAccept = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var second = new QemuStreamPeer(await listener.AcceptAsync(secondAccept.Token));
        await port.UpAsync();
        await ExchangeBothWaysAsync(port, second, _vmMac);
        Assert.Equal(1, port.Queues.Counters.LinkDowns);
    }

    [Fact(Timeout = 30_000)]
    public async Task ListenOverTcpOnLoopbackExchangesFrames()
    {
        int freePort;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            freePort = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        await using var port = new RunningPort(new StreamAttach($"127.0.0.1:{freePort}", Listen: true));
        QemuStreamPeer? peer = null;
        await Eventually.TrueAsync(() =>
        {
            try
            {
                peer = QemuStreamPeer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, freePort)).GetAwaiter().GetResult();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, "the TCP listener");
        using (peer)
        {
            await port.UpAsync();
            await ExchangeBothWaysAsync(port, peer!, _vmMac);
        }
    }

    [Theory]
    [InlineData("localhost:port")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    public void ATcpAddressWithoutAUsablePortIsRejectedAtCreation(string address)
    {
        Assert.Throws<ArgumentException>(() => TransportFactory.Create(new StreamAttach(address, Listen: true)));
    }
}
