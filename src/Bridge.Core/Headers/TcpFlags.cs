// Bits of the TCP flags byte (offset 13 of the TCP header), as reported by TcpReader.Flags and
// PacketSummary.TcpFlags.
namespace Hairpin.Bridge.Core.Headers;

public static class TcpFlags
{
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Rst = 0x04;
    public const byte Psh = 0x08;
    public const byte Ack = 0x10;
    public const byte Urg = 0x20;
    public const byte Ece = 0x40;
    public const byte Cwr = 0x80;
}
