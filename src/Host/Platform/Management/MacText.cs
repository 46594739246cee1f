// MAC addresses as the CLI and the protocol write them: six hex pairs separated by colons, lower case.
using System.Globalization;

namespace Hairpin.Host.Management;

public static class MacText
{
    /// <summary>The canonical form of <paramref name="text"/> ("AA-bb:..." is not accepted; iproute2 takes colons only).</summary>
    public static bool TryNormalise(string text, out string mac)
    {
        ArgumentNullException.ThrowIfNull(text);
        mac = "";
        string[] parts = text.Split(':');
        if (parts.Length != 6)
        {
            return false;
        }
        foreach (string part in parts)
        {
            if (part.Length is < 1 or > 2 || !byte.TryParse(part, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _))
            {
                return false;
            }
        }
        mac = string.Join(':', parts.Select(part => part.PadLeft(2, '0').ToLowerInvariant()));
        return true;
    }
}
