// The fields an ACL can match, packed into eight 64-bit words so that masking, hashing and comparing
// a key are eight integer operations each. IPv4 addresses (and ARP's) are stored IPv4-mapped
// (::ffff:a.b.c.d) so that one 128-bit prefix form serves both families.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hairpin.Bridge.Core.Acl;

[InlineArray(Words)]
internal struct FlowWords
{
    public const int Words = 8;
    private ulong _first;
}

/// <summary>
/// Word layout: 0 destination MAC (48) | EtherType (16); 1 source MAC (48) | VID (12) | PCP (3);
/// 2-3 source IP (128); 4-5 destination IP (128); 6 IP protocol (8) | DSCP (6) | TCP flags (8) |
/// ICMP type (8) | ICMP code (8) | ARP opcode (16) | ingress port (8); 7 L4 source port (16) |
/// L4 destination port (16).
/// </summary>
internal struct FlowKey : IEquatable<FlowKey>
{
    public FlowWords Words;

    public static FlowKey operator &(in FlowKey key, in FlowKey mask)
    {
        var result = default(FlowKey);
        for (int i = 0; i < FlowWords.Words; i++)
        {
            result.Words[i] = key.Words[i] & mask.Words[i];
        }
        return result;
    }

    public readonly bool Equals(FlowKey other) => Same(in this, in other);

    /// <summary>Equality without copying either key: two 256-bit compares where the hardware has them (the ACL cache's probe).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Same(in FlowKey left, in FlowKey right)
    {
        ref ulong a = ref Unsafe.As<FlowWords, ulong>(ref Unsafe.AsRef(in left.Words));
        ref ulong b = ref Unsafe.As<FlowWords, ulong>(ref Unsafe.AsRef(in right.Words));
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<ulong> low = Vector256.LoadUnsafe(ref a) ^ Vector256.LoadUnsafe(ref b);
            Vector256<ulong> high = Vector256.LoadUnsafe(ref a, 4) ^ Vector256.LoadUnsafe(ref b, 4);
            return (low | high) == Vector256<ulong>.Zero;
        }
        for (int i = 0; i < FlowWords.Words; i++)
        {
            if (Unsafe.Add(ref a, i) != Unsafe.Add(ref b, i))
            {
                return false;
            }
        }
        return true;
    }

    public override readonly bool Equals(object? obj) => obj is FlowKey other && Equals(other);

    public override readonly int GetHashCode() => HashOf(in this);

    // Eight independent multiplies summed, then one fold and one multiply: the words are already well
    // spread (MACs, addresses, ports), and a short dependency chain keeps the ACL cache's probe cheap
    // (a chain of eight multiply-xorshift rounds cost about 40 cycles a frame). The sum carries every
    // word's low bits upward and the fold brings the high bits down, so the low bits that index a
    // table depend on every word.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HashOf(in FlowKey key)
    {
        ref ulong w = ref Unsafe.As<FlowWords, ulong>(ref Unsafe.AsRef(in key.Words));
        return HashOf(w, Unsafe.Add(ref w, 1), Unsafe.Add(ref w, 2), Unsafe.Add(ref w, 3), Unsafe.Add(ref w, 4), Unsafe.Add(ref w, 5), Unsafe.Add(ref w, 6), Unsafe.Add(ref w, 7));
    }

    /// <summary>The hash of the key with these words, for a caller that has them in registers (FastFlowKey).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int HashOf(ulong w0, ulong w1, ulong w2, ulong w3, ulong w4, ulong w5, ulong w6, ulong w7)
    {
        ulong low = ((w0 * 0x9E37_79B9_7F4A_7C15UL) + (w1 * 0xC2B2_AE3D_27D4_EB4FUL)) + ((w2 * 0x1656_67B1_9E37_79F9UL) + (w3 * 0x85EB_CA77_C2B2_AE63UL));
        ulong high = ((w4 * 0x27D4_EB2F_1656_67C5UL) + (w5 * 0x94D0_49BB_1331_11EBUL)) + ((w6 * 0xBF58_476D_1CE4_E5B9UL) + (w7 * 0xFF51_AFD7_ED55_8CCDUL));
        ulong hash = low + high;   // a balanced sum: two adds deep after the multiplies
        hash = (hash ^ (hash >> 32)) * 0x9E37_79B9_7F4A_7C15UL;
        return (int)(hash >> 32);
    }

    /// <summary>True when every bit set in this mask is also set in <paramref name="other"/>.</summary>
    public readonly bool IsSubsetOf(in FlowKey other)
    {
        for (int i = 0; i < FlowWords.Words; i++)
        {
            if ((Words[i] & ~other.Words[i]) != 0)
            {
                return false;
            }
        }
        return true;
    }

    public static bool operator ==(FlowKey left, FlowKey right) => left.Equals(right);
    public static bool operator !=(FlowKey left, FlowKey right) => !left.Equals(right);
}
