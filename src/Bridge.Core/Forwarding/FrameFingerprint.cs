// A 64-bit fingerprint of a frame as hosts sent it: addresses, length and up to 64 bytes after the
// VLAN tag, so a frame is recognised again whatever tag form a port gave it. Not cryptographic:
// a collision can at worst drop one frame inside the ping-pong window.
using System.Buffers.Binary;
using System.Numerics;

namespace Hairpin.Bridge.Core.Forwarding;

internal static class FrameFingerprint
{
    private const ulong Multiplier = 0x9E37_79B9_7F4A_7C15UL;
    private const int AddressesSize = 12;
    private const int SampledSize = 64;

    public static ulong Of(ReadOnlySpan<byte> frame, bool hasCustomerTag)
    {
        ReadOnlySpan<byte> rest = frame[(hasCustomerTag ? AddressesSize + 4 : AddressesSize)..];
        ulong hash = (ulong)rest.Length * Multiplier;
        hash = Mix(hash, BinaryPrimitives.ReadUInt64LittleEndian(frame));
        hash = Mix(hash, BinaryPrimitives.ReadUInt32LittleEndian(frame[8..]));
        ReadOnlySpan<byte> sample = rest[..Math.Min(rest.Length, SampledSize)];
        while (sample.Length >= 8)
        {
            hash = Mix(hash, BinaryPrimitives.ReadUInt64LittleEndian(sample));
            sample = sample[8..];
        }
        foreach (byte b in sample)
        {
            hash = Mix(hash, b);
        }
        return hash;
    }

    private static ulong Mix(ulong hash, ulong value) => BitOperations.RotateLeft((hash ^ value) * Multiplier, 29);
}
