// Who may connect to the management socket: root only (0600), or root and one group (0660 + chgrp).
// Connecting to a Unix socket needs write permission on it, so the mode is the whole access check.
// .NET has chmod (File.SetUnixFileMode) but no chown or group lookup, hence the two libc calls.
using System.Globalization;
using System.Runtime.InteropServices;

namespace Hairpin.Host.Management;

public static partial class UnixSocketAccess
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode OwnerAndGroup = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;

    /// <summary>Sets the mode of <paramref name="path"/> and, with a <paramref name="group"/> (name or number), its group.</summary>
    public static void Restrict(string path, string? group)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the management socket needs Unix permissions");
        }
        if (group is null)
        {
            File.SetUnixFileMode(path, OwnerOnly);
            return;
        }
        uint gid = GroupId(group);
        if (NativeMethods.chown(path, uint.MaxValue, gid) != 0)   // uid -1: keep the owner
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot give {path} to group '{group}': {Marshal.GetPInvokeErrorMessage(errno)}");
        }
        File.SetUnixFileMode(path, OwnerAndGroup);
    }

    /// <summary>The numeric id of <paramref name="group"/>, looked up through NSS (so LDAP groups work too).</summary>
    public static uint GroupId(string group) =>
        TryGroupId(group, out uint gid) ? gid : throw new IOException($"management group '{group}' does not exist");

    /// <summary>Whether <paramref name="group"/> (a name, or any number) can own the socket on this machine.</summary>
    public static bool GroupExists(string group) => TryGroupId(group, out _);

    private static readonly Lock GroupLookup = new();

    private static bool TryGroupId(string group, out uint gid)
    {
        if (uint.TryParse(group, NumberStyles.None, CultureInfo.InvariantCulture, out gid))
        {
            return true;
        }
        // getgrnam returns a static buffer: a start, a reload and a config load may look up at once.
        lock (GroupLookup)
        {
            IntPtr entry = NativeMethods.getgrnam(group);
            if (entry == IntPtr.Zero)
            {
                return false;
            }
            // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; ... } on glibc and musl alike.
            gid = unchecked((uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size));
            return true;
        }
    }

    private static class NativeMethods
    {
#pragma warning disable CA2101, SYSLIB1054 // Plain DllImport: LibraryImport would need unsafe code in the Host project for two start-up calls.
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int chown(string path, uint owner, uint group);

        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern IntPtr getgrnam(string name);
#pragma warning restore CA2101, SYSLIB1054
    }
}
