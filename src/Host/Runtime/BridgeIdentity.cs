// The bridge's own MAC (source of its loop probes) must stay the same across restarts, or a peer's
// logs and our own loop reports stop lining up. Derived from the machine's identity and the config
// file's path, so two bridges on one machine differ; locally administered, unicast.
using System.Security.Cryptography;
using System.Text;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Host.Runtime;

internal static class BridgeIdentity
{
    private const string MachineIdFile = "/etc/machine-id";

    public static MacAddress AddressFor(string configPath)
    {
        string machine = File.Exists(MachineIdFile) ? File.ReadAllText(MachineIdFile).Trim() : Environment.MachineName;
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{machine}\n{Path.GetFullPath(configPath)}"));
        hash[0] = (byte)((hash[0] & 0xFC) | 0x02);   // locally administered, unicast
        return MacAddress.Read(hash);
    }
}
