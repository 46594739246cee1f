// The busiest active flows as `stats` and `hairpin top` show them, from the engine's flow monitor
// (flow export on): addresses as an engineer reads them (IP:port, [IPv6]:port, the EtherType for
// non-IP), the port by name, the drop reason when the bridge drops the flow's frames.
using System.Globalization;
using System.Net;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Flows;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Host.Management;

namespace Hairpin.Host.Runtime;

internal static class FlowRows
{
    /// <summary>Flows `stats` carries at most.</summary>
    public const int Shown = 20;

    /// <summary>Forwarding thread: the monitor's busiest flows, or null with flow export off.</summary>
    public static List<FlowInfo>? Of(FlowMonitor? monitor, Func<int, string> portName) =>
        monitor?.Busiest(Shown).Select(flow => Row(flow, portName)).ToList();

    public static FlowInfo Row(in FlowRecord flow, Func<int, string> portName) => new(
        portName(flow.IngressPort), flow.SourceMac.ToString(), flow.DestinationMac.ToString(), flow.Vid, Protocol(flow),
        Endpoint(flow, flow.SourceIp, flow.SourcePort), Endpoint(flow, flow.DestinationIp, flow.DestinationPort),
        flow.Packets, flow.Layer2Bytes, flow.Fate == DispositionKind.Dropped ? DropReasons.Name(flow.DropReason) : null);

    private static string Protocol(in FlowRecord flow) => flow.IpVersion == 0
        ? $"0x{flow.EtherType.ToString("x4", CultureInfo.InvariantCulture)}"
        : flow.IpProtocol switch
        {
            6 => "tcp",
            17 => "udp",
            1 => "icmp",
            58 => "icmpv6",
            byte other => other.ToString(CultureInfo.InvariantCulture),
        };

    private static string Endpoint(in FlowRecord flow, UInt128 address, ushort port)
    {
        if (flow.IpVersion == 0)
        {
            return "-";
        }
        string ip = flow.IpVersion == 4 ? new IPAddress(BitConverterBigEndian((uint)address)).ToString() : V6(address);
        bool ports = flow.IpProtocol is 6 or 17;
        return !ports ? ip : flow.IpVersion == 4 ? $"{ip}:{port}" : $"[{ip}]:{port}";
    }

    private static byte[] BitConverterBigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static string V6(UInt128 address)
    {
        var bytes = new byte[16];
        for (int i = 0; i < 16; i++)
        {
            bytes[i] = (byte)(address >> (8 * (15 - i)));
        }
        return new IPAddress(bytes).ToString();
    }
}
