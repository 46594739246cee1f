// The libc calls and kernel layouts behind PacketRing and PacketBatchSender: PACKET_MMAP (TPACKET_V2)
// receive rings, mmap, sendmmsg and poll. Offsets are those of <linux/if_packet.h> on LP64 Linux; the
// ring itself is read through spans over the mapping (see PacketRing), never through marshalled structs.
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

internal static partial class LinuxNative
{
    public const int PACKET_RX_RING = 5;
    public const int PACKET_VERSION = 10;
    public const int PACKET_QDISC_BYPASS = 20;
    public const int TPACKET_V2 = 1;
    public const int SO_ERROR = 4;

    public const uint TP_STATUS_KERNEL = 0;
    public const uint TP_STATUS_USER = 1;
    public const uint TP_STATUS_LOSING = 4;

    public const int PROT_READ = 1;
    public const int PROT_WRITE = 2;
    public const int MAP_SHARED = 1;
    public const int MAP_POPULATE = 0x8000;
    /// <summary>mmap's MAP_FAILED, (void*)-1.</summary>
    public static readonly nint MapFailed = -1;

    public const short POLLIN = 0x1;

    /// <summary>sizeof(struct tpacket_req): block size, block count, frame size, frame count.</summary>
    public const int TpacketReqSize = 16;
    /// <summary>sizeof(struct tpacket_stats): tp_packets, tp_drops.</summary>
    public const int TpacketStatsSize = 8;

    /// <summary>struct tpacket2_hdr, at the start of every frame slot of a TPACKET_V2 ring.</summary>
    public static class Tpacket2Header
    {
        public const int Status = 0;
        public const int Length = 4;
        public const int SnapLength = 8;
        public const int MacOffset = 12;
        public const int VlanTci = 24;
        public const int VlanTpid = 26;
        /// <summary>TPACKET_ALIGN(sizeof(struct tpacket2_hdr)): the sockaddr_ll the kernel writes after the header starts here.</summary>
        public const int AddressOffset = 32;
        /// <summary>TPACKET2_HDRLEN: header plus sockaddr_ll; a frame's bytes never start before this.</summary>
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
