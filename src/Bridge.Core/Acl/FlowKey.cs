// The fields an ACL can match, packed into eight 64-bit words so that masking, hashing and comparing
// a key are eight integer operations each. IPv4 addresses (and ARP's) are stored IPv4-mapped
// (::ffff:a.b.c.d) so that one 128-bit prefix form serves both families.
using System.Runtime.CompilerServices;

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

    public readonly bool Equals(FlowKey other)
    {
        for (int i = 0; i < FlowWords.Words; i++)
        {
            if (Words[i] != other.Words[i])
            {
                return false;
            }
        }
        return true;
    }

    public override readonly bool Equals(object? obj) => obj is FlowKey other && Equals(other);

    public override readonly int GetHashCode()
    {
        ulong hash = 0;
        for (int i = 0; i < FlowWords.Words; i++)
        {
            hash = (hash ^ Words[i]) * 0x9E37_79B9_7F4A_7C15UL;
            hash ^= hash >> 29;
        }
        return (int)hash ^ (int)(hash >> 32);
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
