// Where a port attaches, as the config file says it (`attach: { afpacket: veth-hv1 }`): a raw packet
// socket on an existing interface, a TAP device, or QEMU's stream protocol over a Unix or TCP socket.
namespace Hairpin.Host.Transports;

public abstract record AttachSpec
{
    /// <summary>How the attachment reads in logs and `link show`, e.g. "afpacket:veth-hv1".</summary>
    public abstract string Describe();
}

/// <summary>A raw AF_PACKET socket bound to an existing interface, promiscuous.</summary>
/// <param name="RingFrames">
/// Slots of its receive ring (2 KiB each, kernel memory): what the port holds while the forwarding
/// thread is busy elsewhere. Fewer save memory on a host with many quiet ports; more ride out longer stalls.
/// </param>
public sealed record AfPacketAttach(string Interface, int RingFrames = AfPacketAttach.DefaultRingFrames) : AttachSpec
{
    /// <summary>4,096 slots, 8 MiB: ~5 ms of a 64-byte flood at 800,000 frames/s (specs/transports.md).</summary>
    public const int DefaultRingFrames = 4096;
    public const int MinRingFrames = 64;
    public const int MaxRingFrames = 65536;
    /// <summary>The kernel allocates the ring in blocks of this many slots (16 pages of 4 KiB).</summary>
    public const int RingFramesMultiple = 32;

    public override string Describe() => $"afpacket:{Interface}";
}

/// <summary>A TAP device (IFF_TAP | IFF_NO_PI), created if it does not exist.</summary>
public sealed record TapAttach(string Interface) : AttachSpec
{
    public override string Describe() => $"tap:{Interface}";
}

/// <summary>
/// QEMU's stream netdev framing (4-byte big-endian length, then the frame) over a Unix socket path or
/// TCP "HOST:PORT". Listen accepts one peer at a time; connect retries with backoff.
/// </summary>
public sealed record StreamAttach(string Address, bool Listen) : AttachSpec
{
    public bool IsUnix => Address.StartsWith('/') || Address.StartsWith('.') || !Address.Contains(':', StringComparison.Ordinal);

    public override string Describe() => $"stream:{(Listen ? "listen" : "connect")}:{Address}";
}
