// The VDP payloads of the ratified capture: every ECP REQ (ACKs carry none) with its sender, sequence
// number and the VDPDU after the 4-byte ECP header, in capture order. Seeds of the VDP tests and fuzzers.
using System.Buffers.Binary;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Qbg;

namespace Hairpin.Bridge.Core.Tests.Infrastructure;

public static class ReferenceVdp
{
    public const ushort EcpEtherType = 0x8940;
    public const int EcpHeaderSize = 4;
    public static readonly MacAddress Station = MacAddress.Parse("02:00:00:00:5a:01");
    public static readonly MacAddress Bridge = MacAddress.Parse("02:00:00:00:b0:01");

    /// <param name="Frame">Index of the frame in the capture.</param>
    public sealed record Pdu(int Frame, MacAddress Source, ushort Sequence, byte[] Payload)
    {
        public bool FromStation => Source == Station;
        public override string ToString() => $"frame {Frame} from {(FromStation ? "station" : "bridge")} seq {Sequence}: {Convert.ToHexStringLower(Payload)}";
    }

    /// <summary>ECP REQs carrying VDP (subtype 1), retransmissions included.</summary>
    public static IReadOnlyList<Pdu> Requests { get; } = Read();

    public static IReadOnlyList<Pdu> StationRequests { get; } = [.. Requests.Where(p => p.FromStation)];
    public static IReadOnlyList<Pdu> BridgeRequests { get; } = [.. Requests.Where(p => !p.FromStation)];

    private static List<Pdu> Read()
    {
        var pdus = new List<Pdu>();
        for (int i = 0; i < ReferenceCaptures.Ratified.Count; i++)
        {
            if (!ControlFrame.TryRead(ReferenceCaptures.Ratified[i], out MacAddress source, out ushort etherType, out ReadOnlySpan<byte> ecp)
                || etherType != EcpEtherType || ecp.Length < EcpHeaderSize)
            {
                continue;
            }
            ushort word = BinaryPrimitives.ReadUInt16BigEndian(ecp);
            int operation = (word >> 10) & 0x3;
            int subtype = word & 0x3FF;
            if (operation == 0 && subtype == 1)
            {
                pdus.Add(new Pdu(i, source, BinaryPrimitives.ReadUInt16BigEndian(ecp[2..]), ecp[EcpHeaderSize..].ToArray()));
            }
        }
        return pdus;
    }
}
