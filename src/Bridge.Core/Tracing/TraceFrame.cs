// The traced frame's own copy and the metadata the engine would keep in its FrameBuffer (VID,
// priority, class), so stages that remark or retag change the copy, never the caller's bytes.
using Hairpin.Bridge.Core.Acl;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Tracing;

internal sealed class TraceFrame(byte[] bytes, int ingressPort)
{
    public const ushort DeiBit = 0x1000;
    public const int PriorityShift = 13;

    public byte[] Bytes { get; } = bytes;
    public int IngressPort { get; } = ingressPort;
    public int Length => Bytes.Length;
    public MacAddress Destination => MacAddress.Read(Bytes);
    public MacAddress Source => MacAddress.Read(Bytes.AsSpan(6));
    public FrameKind Kind { get; set; }
    public int Vid { get; set; }
    public ushort PriorityBits { get; set; }
    public bool HasCustomerTag { get; set; }
    public byte TrafficClass { get; set; }
    public int Priority => PriorityBits >> PriorityShift;
    public bool Dei => (PriorityBits & DeiBit) != 0;

    // The engine builds the flow key once per frame (the first ACL that needs it) and reuses it for
    // every egress copy; the trace does the same so a remark in between is seen the same way.
    public bool FlowKeyBuilt { get; set; }
    public bool FlowKeyValid { get; set; }
    public FlowKey FlowKey;
    public HeaderCheck FlowKeyCheck { get; set; }
}
