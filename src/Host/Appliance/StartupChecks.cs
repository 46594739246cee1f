// Things worth a warning when the bridge starts, found before the first frame moves: an afpacket
// port on an interface that does not exist (yet) starts down and stays down until it appears, and the
// operator should not have to find that out from missing traffic.
using System.Net.NetworkInformation;
using Hairpin.Host.Configuration;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Appliance;

internal static class StartupChecks
{
    /// <summary>Each afpacket port whose interface is not in this network namespace, in port order.</summary>
    public static IEnumerable<(string Port, string Interface)> MissingInterfaces(HostConfig config)
    {
        var present = NetworkInterface.GetAllNetworkInterfaces().Select(nic => nic.Name).ToHashSet(StringComparer.Ordinal);
        return config.Attachments
            .Where(attachment => attachment.Attach is AfPacketAttach afPacket && !present.Contains(afPacket.Interface))
            .Select(attachment => (attachment.Port, ((AfPacketAttach)attachment.Attach).Interface));
    }
}
