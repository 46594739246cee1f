// Things worth a warning when a program starts, found before the first frame moves: an afpacket port
// on an interface that does not exist (yet) starts down and stays down until it appears, and the
// operator should not have to find that out from missing traffic. Used by the bridge and the dumb
// vswitch alike.
using System.Net.NetworkInformation;
using Hairpin.Host.Configuration;
using Hairpin.Host.Transports;

namespace Hairpin.Host.Appliance;

internal static class StartupChecks
{
    public static IReadOnlyList<(string Port, string Interface)> MissingInterfaces(HostConfig config) =>
        MissingInterfaces(config.Attachments.Select(attachment => (attachment.Port, attachment.Attach)));

    /// <summary>Each afpacket port whose interface is not in this network namespace, in port order.</summary>
    public static IReadOnlyList<(string Port, string Interface)> MissingInterfaces(IEnumerable<(string Port, AttachSpec Attach)> attachments)
    {
        HashSet<string> present;
        try
        {
            present = NetworkInterface.GetAllNetworkInterfaces().Select(nic => nic.Name).ToHashSet(StringComparer.Ordinal);
        }
        catch (NetworkInformationException)
        {
            return [];   // a warning that cannot be worked out is no reason not to start
        }
        return [.. attachments
            .Where(attachment => attachment.Attach is AfPacketAttach afPacket && !present.Contains(afPacket.Interface))
            .Select(attachment => (attachment.Port, ((AfPacketAttach)attachment.Attach).Interface))];
    }
}
