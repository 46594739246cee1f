// struct ifreq for the interface ioctls (TUNSETIFF, SIOCGIFFLAGS, SIOCSIFFLAGS): the name in the first 16
// bytes, the flags (a short) right after. Setup-time only.
using System.Buffers.Binary;
using System.Text;

namespace Hairpin.Host.Transports;

internal static class InterfaceRequest
{
    private const int FlagsOffset = LinuxNative.IFNAMSIZ;

    /// <summary>Linux interface names are 1..15 bytes without '/', ':' or whitespace.</summary>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) >= LinuxNative.IFNAMSIZ ||
            name.Any(c => c is '/' or ':' || char.IsWhiteSpace(c)))
        {
            throw new ArgumentException($"'{name}' is not a Linux interface name (1 to 15 bytes, no '/', ':' or spaces)", nameof(name));
        }
    }

    public static byte[] New(string name, short flags = 0)
    {
        byte[] request = new byte[LinuxNative.IfreqSize];
        Encoding.UTF8.GetBytes(name, request);
        BinaryPrimitives.WriteInt16LittleEndian(request.AsSpan(FlagsOffset), flags);
        return request;
    }

    public static short Flags(byte[] request) => BinaryPrimitives.ReadInt16LittleEndian(request.AsSpan(FlagsOffset));

    /// <summary>The interface flags via any socket of this network namespace, or null (with errno) if it has none.</summary>
    public static short? ReadFlags(int socketFd, string name)
    {
        byte[] request = New(name);
        return LinuxNative.ioctl(socketFd, LinuxNative.SIOCGIFFLAGS, ref request[0]) == 0 ? Flags(request) : null;
    }

    /// <summary>Sets IFF_UP (what `ip link set NAME up` does); returns 0 or the errno.</summary>
    public static int SetUp(string name)
    {
        int socketFd = LinuxNative.socket(LinuxNative.AF_INET, LinuxNative.SOCK_DGRAM | LinuxNative.SOCK_CLOEXEC, 0);
        if (socketFd < 0)
        {
            return LinuxNative.LastError;
        }
        try
        {
            byte[] request = New(name);
            if (LinuxNative.ioctl(socketFd, LinuxNative.SIOCGIFFLAGS, ref request[0]) != 0)
            {
                return LinuxNative.LastError;
            }
            if ((Flags(request) & LinuxNative.IFF_UP) != 0)
            {
                return 0;
            }
            BinaryPrimitives.WriteInt16LittleEndian(request.AsSpan(FlagsOffset), (short)(Flags(request) | LinuxNative.IFF_UP));
            return LinuxNative.ioctl(socketFd, LinuxNative.SIOCSIFFLAGS, ref request[0]) == 0 ? 0 : LinuxNative.LastError;
        }
        finally
        {
            LinuxNative.Close(socketFd);
        }
    }
}
