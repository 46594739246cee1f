// The libc calls and kernel layouts behind PacketRing and PacketBatchSender: PACKET_MMAP (TPACKET_V3)
// receive rings, mmap, sendmmsg and poll. Offsets are those of <linux/if_packet.h> on LP64 Linux; the
// ring itself is read through spans over the mapping (see PacketRing), never through marshalled structs.
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

internal static partial class LinuxNative
{
    public const int PACKET_RX_RING = 5;
    public const int PACKET_VERSION = 10;
    public const int PACKET_QDISC_BYPASS = 20;
    public const int TPACKET_V3 = 2;
    public const int SO_ERROR = 4;

    public const uint TP_STATUS_KERNEL = 0;
    public const uint TP_STATUS_USER = 1;

    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;
    public const int MAP_POPULATE = 0x8000;
    /// <summary>mmap's MAP_FAILED, (void*)-1.</summary>
    public static readonly nint MapFailed = -1;

    public const short POLLIN = 0x1;

    /// <summary>sizeof(struct tpacket_req3): seven unsigned ints.</summary>
    public const int TpacketReq3Size = 28;
    /// <summary>sizeof(struct tpacket_stats_v3): tp_packets, tp_drops, tp_freeze_q_cnt.</summary>
    public const int TpacketStatsV3Size = 12;

    /// <summary>struct tpacket_block_desc: version, offset_to_priv, then tpacket_hdr_v1.</summary>
    public static class BlockDescriptor
    {
        public const int BlockStatus = 8;
        public const int PacketCount = 12;
        public const int FirstPacketOffset = 16;
    }

    /// <summary>struct tpacket3_hdr, one per frame in a block; tpacket_hdr_variant1 follows at 28.</summary>
    public static class Tpacket3Header
    {
        public const int NextOffset = 0;
        public const int SnapLength = 12;
        public const int Length = 16;
        public const int Status = 20;
        public const int MacOffset = 24;
        public const int VlanTci = 32;
        public const int VlanTpid = 36;
        /// <summary>TPACKET_ALIGN(sizeof(struct tpacket3_hdr)): the sockaddr_ll the kernel writes after the header starts here.</summary>
        public const int AddressOffset = 48;
        /// <summary>TPACKET3_HDRLEN: header plus sockaddr_ll; a frame's bytes never start before this.</summary>
        public const int SizeWithAddress = AddressOffset + 20;
    }

    /// <summary>struct pollfd.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short ReturnedEvents;
    }

    /// <summary>struct mmsghdr: a msghdr and the byte count the kernel reports for it (padded to 64 bytes on LP64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MultiMessageHeader
    {
        public MessageHeader Message;
        public uint SentLength;
    }

#pragma warning disable SYSLIB1054 // as in LinuxNative.cs: blittable signatures, no marshalling.
    [DllImport(Libc, SetLastError = true)]
    public static extern nint mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

    [DllImport(Libc, SetLastError = true)]
    public static extern int munmap(nint address, nuint length);

    [DllImport(Libc, SetLastError = true)]
    public static extern int sendmmsg(int fd, ref MultiMessageHeader messages, uint count, int flags);

    [DllImport(Libc, SetLastError = true)]
    public static extern int poll(ref PollDescriptor descriptors, nuint count, int timeoutMilliseconds);
#pragma warning restore SYSLIB1054
}
