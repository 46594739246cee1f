// The reference bridge's MAC table (bench/Reference): (VID, MAC) -> port with a last-seen second, the
// least a learning bridge can keep. Open addressing, linear probing, at most half full, no ageing and
// no deletion (ageing is a control-path sweep in any bridge, so it is not part of the per-frame floor).
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Benchmarks.Reference;

internal sealed class MinimalMacTable
{
    private struct Slot
    {
        public ulong Key;        // (VID << 48) | MAC; 0 marks an empty slot (VID 0 is never a key)
        public uint LastSeen;    // second of the last frame from this MAC
        public int Port;
    }

    private readonly Slot[] _slots;
    private readonly int _mask;
    private readonly int _shift;
    private readonly int _capacity;
    private int _count;

    /// <summary>A table for up to <paramref name="capacity"/> hosts, in twice as many 16-byte slots.</summary>
    public MinimalMacTable(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * capacity));
        _slots = new Slot[size];
        _mask = size - 1;
        _shift = 64 - BitOperations.Log2((uint)size);
        _capacity = capacity;
    }

    public int Count => _count;

    /// <summary>The port (VID, MAC) was last seen on, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Lookup(int vid, MacAddress mac)
    {
        ulong key = KeyOf(vid, mac);
        ref Slot slot = ref _slots[Probe(key)];
        return slot.Key == key ? slot.Port : -1;
    }

    /// <summary>Records that (VID, MAC) was seen on <paramref name="port"/> at <paramref name="now"/>; a full table learns nothing new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Learn(int vid, MacAddress mac, int port, uint now)
    {
        ulong key = KeyOf(vid, mac);
        ref Slot slot = ref _slots[Probe(key)];
        if (slot.Key == 0)
        {
            if (_count == _capacity)
            {
                return;
            }
            slot.Key = key;
            _count++;
        }
        // Time is read once per batch: skip the stores (and the dirtied cache line) for a host seen again.
        if (slot.Port != port)
        {
            slot.Port = port;
        }
        if (slot.LastSeen != now)
        {
            slot.LastSeen = now;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong KeyOf(int vid, MacAddress mac) => ((ulong)vid << 48) | mac.Value;

    /// <summary>The slot holding <paramref name="key"/>, or the empty slot that ends its probe run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Probe(ulong key)
    {
        Slot[] slots = _slots;
        int index = (int)((key * 0x9E37_79B9_7F4A_7C15UL) >> _shift);
        while (slots[index].Key != key && slots[index].Key != 0)
        {
            index = (index + 1) & _mask;
        }
        return index;
    }
}
