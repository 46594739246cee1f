// The fields an ACL can match, packed into eight 64-bit words so that masking, hashing and comparing
// a key are eight integer operations each. IPv4 addresses (and ARP's) are stored IPv4-mapped
// (::ffff:a.b.c.d) so that one 128-bit prefix form serves both families.
using System.Numerics;
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

    // Each word rotated by its own odd-spaced amount and all eight xored, folded once and multiplied
    // once: on the policy fast path the ACL cache's probe waits on this hash, which waits on the
    // frame's bytes, so its latency is paid by every frame (eight multiplies summed took about four
    // cycles more, a chain of eight multiply-xorshift rounds about forty). The rotations keep words
    // from cancelling each other (a flow and its reverse, with addresses and MACs swapped, hash
    // apart), the fold brings the high bits down and the multiply spreads every bit into the ones
    // that index a table (the product's bits 32 and up).
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
        ulong mixed = ((w0 ^ BitOperations.RotateLeft(w1, 17)) ^ (BitOperations.RotateLeft(w2, 34) ^ BitOperations.RotateLeft(w3, 51)))
            ^ ((BitOperations.RotateLeft(w4, 5) ^ BitOperations.RotateLeft(w5, 22)) ^ (BitOperations.RotateLeft(w6, 39) ^ BitOperations.RotateLeft(w7, 56)));
        mixed = (mixed ^ (mixed >> 29)) * 0x9E37_79B9_7F4A_7C15UL;
        return (int)(mixed >> 32);
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
