// Which address the uplink's EVB station sends from: the one configured, else the uplink interface's
// own (as lldpad uses its interface's), else a locally administered one made from the uplink's name,
// the same at every start so the bridge sees the same neighbour come back.
using System.Security.Cryptography;
using System.Text;
using Hairpin.Bridge.Core.Headers;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.Host.Transports;

namespace Hairpin.DumbVswitch.Station;

public static class StationMac
{
    /// <param name="sysClassNet">Where interface addresses are read (`/sys/class/net/IF/address`); tests point it elsewhere.</param>
    public static MacAddress Resolve(StationConfig evb, AttachSpec uplink, string sysClassNet = "/sys/class/net")
    {
        ArgumentNullException.ThrowIfNull(evb);
        ArgumentNullException.ThrowIfNull(uplink);
        if (evb.Mac is MacAddress configured)
        {
            return configured;
        }
        if (uplink is AfPacketAttach afpacket && InterfaceMac(Path.Combine(sysClassNet, afpacket.Interface, "address")) is MacAddress own)
        {
            return own;
        }
        return Derived(uplink.Describe());
    }

    /// <summary>02-xx-xx-xx-xx-xx from a hash of <paramref name="name"/>: unicast, locally administered.</summary>
    public static MacAddress Derived(string name)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        hash[0] = (byte)((hash[0] & 0xFC) | 0x02);
        return MacAddress.Read(hash);
    }

    private static MacAddress? InterfaceMac(string path)
    {
        try
        {
            return MacAddress.TryParse(File.ReadAllText(path).Trim(), out MacAddress mac) && !mac.IsGroup && !mac.IsZero ? mac : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;   // not there yet (the transport waits for it too), or not readable: make one up
        }
    }
}
