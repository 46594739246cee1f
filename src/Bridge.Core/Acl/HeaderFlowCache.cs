// An exact-match cache in front of a port ingress ACL for the policy fast path's run (as OVS's EMC,
// lib/dpif-netdev-private-dfc.h, sits in front of its classifier), keyed by the frame's own header
// bytes instead of a built FlowKey: a repeated flow is answered by two vector loads, two masks and
// one compare, without the dozen shifts and stores of building its key (which the probe of the ACL's
// own cache then had to wait for, loading back as vectors what was just stored as words). It serves
// the frames FastFlowKey covers (untagged or C-tagged IPv4 TCP or UDP, no options, no fragments).
// The bytes kept are those FastFlowKey's key is made of (addresses, EtherType and tag, DSCP, protocol,
// ports, TCP flags), and the VID and ingress port are kept beside them, so equal keys here are equal
// flow keys: the same deciding rule. A miss builds the flow key and asks the ACL (its cache, then the
// search). Single writer: the forwarding thread.
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Hairpin.Bridge.Core.Acl;

internal sealed class HeaderFlowCache(CompiledAcl acl)
{
    private const int Size = 4096;
    private const int IndexShift = 64 - 12;   // log2(Size)

    /// <summary>Bytes the cache reads past the IPv4 header's start: the frame's buffer, not the frame, must hold them (the bytes past the frame's end are masked out).</summary>
    private const int BackEnd = 12 + 32;

    // The bytes a key keeps, by position: the front 32 bytes of the frame (addresses, EtherType, the
    // tag's PCP and VID, the IPv4 version and length nibbles, DSCP, protocol) without or with a C-tag,
    // and 32 bytes from the IPv4 source address on (addresses, ports, and for TCP its flags byte).
    // Whatever else lies there (lengths, checksums, TTL, ECN, sequence numbers, bytes past the frame's
    // end) varies by packet, not by flow, and is masked out.
    private static readonly Vector256<byte> UntaggedFront = Vector256.Create(
        (byte)0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,   // addresses, EtherType
        0xFF, 0xFC, 0, 0, 0, 0, 0, 0, 0, 0xFF,                                                        // version and length, DSCP, protocol
        0, 0, 0, 0, 0, 0, 0, 0);
    private static readonly Vector256<byte> TaggedFront = Vector256.Create(
        (byte)0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,   // addresses, TPID
        0xEF, 0xFF, 0xFF, 0xFF,                                                                       // PCP and VID (not DEI), EtherType
        0xFF, 0xFC, 0, 0, 0, 0, 0, 0, 0, 0xFF,                                                        // version and length, DSCP, protocol
        0, 0, 0, 0);
    private static readonly Vector256<byte> UdpBack = Vector256.Create(
        (byte)0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,               // addresses, ports
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    private static readonly Vector256<byte> TcpBack = Vector256.Create(
        (byte)0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,               // addresses, ports
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);                             // flags

    /// <summary>One flow: its key, the ACL's answer, and what the run may keep beside it.</summary>
    internal struct Entry
    {
        public Vector256<byte> Front;
        public Vector256<byte> Back;
        public int Context;       // VID << 8 | ingress port: never 0 for a frame (VID 0 is never a frame's), so an empty entry matches nothing
        public int Decided;       // CompiledAcl.Find's answer
        public int Decision;      // CompiledAcl.DecisionOf(Decided), kept beside it: one load less on the hit
        // The FDB's answers for the flow's addresses (the policy run's to keep): valid while the FDB's
        // LayoutVersion is FdbVersion (0: none kept). The destination's port, and the source's slot,
        // found on the ingress port.
        public long FdbVersion;
        public int Target;
        public int SourceSlot;
    }

    private readonly Entry[] _entries = new Entry[Size];

    /// <summary>
    /// The entry of the flow (its deciding rule, CompiledAcl.Find's answer, and what that means to the
    /// fast path) for the frame whose bytes, from its start to its buffer's end, are
    /// <paramref name="room"/> and whose first <paramref name="length"/> are the frame, its IPv4 header
    /// at <paramref name="ip"/> (FastFlowKey.Locate's answer); a null reference when the cache cannot
    /// serve it (the buffer ends before the <see cref="BackEnd"/> bytes the cache reads past the IPv4
    /// header's start). <paramref name="destination"/> and <paramref name="source"/> are its MACs, read
    /// by the caller anyway: the index comes from them and the IP addresses and ports.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Entry Find(ReadOnlySpan<byte> room, int length, int ip, bool tcp, int vid, int port, ulong destination, ulong source)
    {
        if (room.Length < ip + BackEnd)
        {
            return ref Unsafe.NullRef<Entry>();
        }
        ref byte start = ref MemoryMarshal.GetReference(room);
        Vector256<byte> front = Vector256.LoadUnsafe(ref start) & (ip == 14 ? UntaggedFront : TaggedFront);
        Vector256<byte> back = Vector256.LoadUnsafe(ref start, (nuint)(ip + 12)) & (tcp ? TcpBack : UdpBack);
        int context = (vid << 8) | port;
        ulong addresses = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, ip + 12));
        ulong ports = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref start, ip + 20)) | ((ulong)(uint)context << 32);
        ulong mixed = (destination * 0x9E37_79B9_7F4A_7C15UL) + (source * 0xC2B2_AE3D_27D4_EB4FUL)
            + (addresses * 0x1656_67B1_9E37_79F9UL) + (ports * 0xD6E8_FEB8_6659_FD93UL);
        ref Entry entry = ref _entries[(int)(mixed >> IndexShift)];
        if (((entry.Front ^ front) | (entry.Back ^ back)) == Vector256<byte>.Zero && entry.Context == context)
        {
            return ref entry;
        }
        return ref Miss(ref entry, front, back, context, room[..length], vid, port);
    }

    /// <summary>A flow the cache does not hold: its key built and the ACL asked, the answer kept in its slot.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref Entry Miss(ref Entry entry, Vector256<byte> front, Vector256<byte> back, int context, ReadOnlySpan<byte> frame, int vid, int port)
    {
        if (!FastFlowKey.TryBuild(frame, vid, port, out FlowKey key, out int hash))
        {
            return ref Unsafe.NullRef<Entry>();
        }
        int decided = acl.Find(in key, hash);
        entry.Front = front;
        entry.Back = back;
        entry.Context = context;
        entry.Decided = decided;
        entry.Decision = acl.DecisionOf(decided);
        entry.FdbVersion = 0;
        return ref entry;
    }
}
