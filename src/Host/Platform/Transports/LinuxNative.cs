// The few libc calls the device transports need that .NET's Socket and FileStream do not offer: packet
// sockets with PACKET_AUXDATA and PACKET_STATISTICS, recvmsg control messages, TUNSETIFF, interface
// flags, and epoll/eventfd for the one thread that waits on every device. Structures are
// x86-64/arm64 Linux layouts (LP64). Buffers are pinned arrays, so no call allocates or needs unsafe code.
using System.Runtime.InteropServices;

namespace Hairpin.Host.Transports;

internal static partial class LinuxNative
{
    private const string Libc = "libc";

    public const int AF_INET = 2;
    public const int AF_PACKET = 17;
    public const int SOCK_DGRAM = 2;
    public const int SOCK_RAW = 3;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int SOCK_NONBLOCK = 0x800;
    public const ushort ETH_P_ALL = 0x0003;

    public const int SOL_SOCKET = 1;
    public const int SO_RCVBUF = 8;
    public const int SO_RCVBUFFORCE = 33;
    public const int SOL_PACKET = 263;
    public const int PACKET_ADD_MEMBERSHIP = 1;
    public const int PACKET_STATISTICS = 6;
    public const int PACKET_AUXDATA = 8;
    public const int PACKET_IGNORE_OUTGOING = 23;
    public const ushort PACKET_MR_PROMISC = 1;
    public const byte PACKET_OUTGOING = 4;
    public const uint TP_STATUS_VLAN_VALID = 1 << 4;
    public const uint TP_STATUS_VLAN_TPID_VALID = 1 << 6;

    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_TRUNC = 0x20;

    public const int O_RDONLY = 0;
    public const int O_RDWR = 2;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 0x1;
    public const int EFD_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;

    public const nuint TUNSETIFF = 0x400454ca;
    public const nuint SIOCGIFFLAGS = 0x8913;
    public const nuint SIOCSIFFLAGS = 0x8914;
    public const short IFF_UP = 0x1;
    public const short IFF_TAP = 0x0002;
    public const short IFF_NO_PI = 0x1000;
    public const int IFNAMSIZ = 16;
    /// <summary>sizeof(struct ifreq).</summary>
    public const int IfreqSize = 40;

    public const int EINTR = 4;
    public const int EIO = 5;
    public const int ENXIO = 6;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int EBADFD = 77;
    public const int EMSGSIZE = 90;
    public const int ENETDOWN = 100;
    public const int ENOBUFS = 105;

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public nint Base;
        public nuint Length;
    }

    /// <summary>struct msghdr.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public nint Name;
        public uint NameLength;
        public nint IoVectors;
        public nuint IoVectorCount;
        public nint Control;
        public nuint ControlLength;
        public int Flags;
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs AllowUnsafeBlocks; these signatures are blittable, so DllImport pins without marshalling.
    [DllImport(Libc)]
    public static extern int usleep(uint microseconds);

    [DllImport(Libc, SetLastError = true)]
    public static extern int socket(int domain, int type, int protocol);

    [DllImport(Libc, SetLastError = true)]
    public static extern int bind(int fd, ref byte address, uint addressLength);

    [DllImport(Libc, SetLastError = true)]
    public static extern int setsockopt(int fd, int level, int name, ref byte value, uint valueLength);

    [DllImport(Libc, SetLastError = true)]
    public static extern nint recvmsg(int fd, ref MessageHeader message, int flags);

    [DllImport(Libc, SetLastError = true)]
    public static extern nint send(int fd, ref byte buffer, nuint length, int flags);

    [DllImport(Libc, SetLastError = true)]
    public static extern nint read(int fd, ref byte buffer, nuint length);

    [DllImport(Libc, SetLastError = true)]
    public static extern nint write(int fd, ref byte buffer, nuint length);

    [DllImport(Libc, SetLastError = true)]
    public static extern nint pread(int fd, ref byte buffer, nuint length, long offset);

    [DllImport(Libc, SetLastError = true)]
    public static extern int getsockopt(int fd, int level, int name, ref byte value, ref uint valueLength);

    [DllImport(Libc, SetLastError = true)]
    public static extern int epoll_create1(int flags);

    /// <summary><paramref name="epollEvent"/>: a struct epoll_event laid out as <see cref="EpollEventSize"/> says.</summary>
    [DllImport(Libc, SetLastError = true)]
    public static extern int epoll_ctl(int epoll, int operation, int fd, ref byte epollEvent);

    [DllImport(Libc, SetLastError = true)]
    public static extern int epoll_wait(int epoll, ref byte events, int maxEvents, int timeoutMilliseconds);

    [DllImport(Libc, SetLastError = true)]
    public static extern int eventfd(uint initialValue, int flags);

    [DllImport(Libc, SetLastError = true)]
    public static extern int ioctl(int fd, nuint request, ref byte argument);

    [DllImport(Libc, SetLastError = true)]
    private static extern int open(ref byte path, int flags);

    [DllImport(Libc, SetLastError = true)]
    private static extern int close(int fd);

    [DllImport(Libc, SetLastError = true)]
    private static extern uint if_nametoindex(ref byte name);
#pragma warning restore SYSLIB1054

    /// <summary>
    /// sizeof(struct epoll_event): x86-64 packs it (u32 events, u64 data: 12 bytes), other LP64 ABIs
    /// align data to 8 (16 bytes). Data starts right after the 4-byte events on x86-64, at 8 elsewhere.
    /// </summary>
    public static readonly int EpollEventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    public static readonly int EpollDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public static int Open(string path, int flags) => open(ref CString(path)[0], flags);

    /// <summary>The interface's index, or 0 (errno set) when there is no such interface.</summary>
    public static uint InterfaceIndex(string name) => if_nametoindex(ref CString(name)[0]);

    /// <summary>Strings cross as NUL-terminated UTF-8 bytes (setup only, so the small allocation is fine).</summary>
    private static byte[] CString(string text)
    {
        byte[] bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(text) + 1];
        System.Text.Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }

    /// <summary>close(2); its error is ignored because Linux frees the descriptor even when close fails.</summary>
    public static void Close(int fd) => _ = close(fd);

    public static int LastError => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";

    /// <summary>Network byte order for a 16-bit protocol number.</summary>
    public static ushort HostToNetwork(ushort value) => (ushort)((value >> 8) | (value << 8));
}
