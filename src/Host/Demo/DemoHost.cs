// One end station in the demo: a name to print instead of its MAC (like /etc/ethers), its address,
// and the bridge port it sits behind.
using System.Globalization;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Host.Demo;

internal sealed record DemoHost(string Name, MacAddress Mac, uint Ip, string Port)
{
    public static DemoHost Create(string name, string mac, string ip, string port) =>
        new(name, MacAddress.Parse(mac), ParseIpv4(ip), port);

    public string IpText => FormatIpv4(Ip);

    public static uint ParseIpv4(string text)
    {
        string[] parts = text.Split('.');
        if (parts.Length != 4)
        {
            throw new FormatException($"'{text}' is not an IPv4 address");
        }
        uint value = 0;
        foreach (string part in parts)
        {
            value = (value << 8) | byte.Parse(part, CultureInfo.InvariantCulture);
        }
        return value;
    }

    public static string FormatIpv4(uint ip) => string.Create(
        CultureInfo.InvariantCulture, $"{ip >> 24}.{(ip >> 16) & 0xFF}.{(ip >> 8) & 0xFF}.{ip & 0xFF}");
}
