// Per-VM counters where no 802.1Qbg VSI names the VM: traffic per (port, VLAN, MAC), the key a VM has
// on a bridge, as the Nexus 1000V's per-VM counters and `show mac address-table` count them. Frames
// from a host are counted received (and dropped, if the bridge dropped them) once their VLAN is known;
// unicast copies to a host are counted sent as they are queued. The table is bounded: a host that
// finds no room is counted in one overflow bucket (and how many frames went there), so a flood of
// forged MACs costs a fixed amount of memory and of metric series. Entries idle longer than the FDB's
// ageing time go at the sweep. Open addressing with linear probing and backward-shift deletion; the
// forwarding thread owns it (snapshots are taken there too).
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Counters;

/// <summary>One host's traffic on one port and VLAN.</summary>
public readonly record struct HostTraffic(int Port, int Vid, MacAddress Mac, long RxFrames, long RxBytes, long TxFrames, long TxBytes, long Dropped);

public sealed class HostTrafficTable
{
    private struct Slot
    {
        public ulong Key;    // (VID << 48) | MAC; 0: empty (VID 0 is never counted)
        public int Port;
        public uint LastSeen;
        public long RxFrames;
        public long RxBytes;
        public long TxFrames;
        public long TxBytes;
        public long Dropped;
    }

    private readonly Slot[] _slots;
    private readonly int _mask;
    private readonly int _shift;
    private int _count;
    private Slot _overflow;

    /// <summary>A table for up to <paramref name="capacity"/> hosts (twice as many slots, so probes stay short).</summary>
    public HostTrafficTable(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * capacity));
        _slots = new Slot[size];
        _mask = size - 1;
        _shift = 64 - BitOperations.Log2((uint)size);
        Capacity = capacity;
    }

    public int Capacity { get; }
    public int Count => _count;

    /// <summary>Frames of hosts that found the table full, summed (port -1, MAC zero).</summary>
    public HostTraffic Overflow => new(-1, 0, MacAddress.Zero, _overflow.RxFrames, _overflow.RxBytes, _overflow.TxFrames, _overflow.TxBytes, _overflow.Dropped);

    /// <summary>A frame from <paramref name="mac"/> on <paramref name="port"/> in <paramref name="vid"/>, dropped or not.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Received(int port, int vid, MacAddress mac, int bytes, bool dropped, uint now)
    {
        ref Slot slot = ref Find(port, vid, mac, now);
        slot.RxFrames++;
        slot.RxBytes += bytes;
        if (dropped)
        {
            slot.Dropped++;
        }
    }

    /// <summary>A unicast copy to <paramref name="mac"/> queued on <paramref name="port"/> in <paramref name="vid"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Sent(int port, int vid, MacAddress mac, int bytes, uint now)
    {
        ref Slot slot = ref Find(port, vid, mac, now);
        slot.TxFrames++;
        slot.TxBytes += bytes;
    }

    /// <summary>Every host counted, then the overflow bucket if it holds anything.</summary>
    public List<HostTraffic> Snapshot()
    {
        var hosts = new List<HostTraffic>(_count + 1);
        foreach (ref readonly Slot slot in _slots.AsSpan())
        {
            if (slot.Key != 0)
            {
                hosts.Add(new HostTraffic(slot.Port, (int)(slot.Key >> 48), new MacAddress(slot.Key & 0xFFFF_FFFF_FFFFUL),
                    slot.RxFrames, slot.RxBytes, slot.TxFrames, slot.TxBytes, slot.Dropped));
            }
        }
        if (_overflow.RxFrames + _overflow.TxFrames > 0)
        {
            hosts.Add(Overflow);
        }
        return hosts;
    }

    /// <summary>Forgets hosts not seen for <paramref name="idleSeconds"/>; how many went.</summary>
    public int AgeOut(uint now, uint idleSeconds)
    {
        int removed = 0;
        for (int index = 0; index < _slots.Length; index++)
        {
            // Backward-shift deletion may move a later entry into this slot: look at it again.
            while (_slots[index].Key != 0 && now - _slots[index].LastSeen > idleSeconds)
            {
                Delete(index);
                removed++;
            }
        }
        return removed;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Slot Find(int port, int vid, MacAddress mac, uint now)
    {
        ulong key = ((ulong)vid << 48) | mac.Value;
        int index = Home(key, port);
        while (true)
        {
            ref Slot slot = ref _slots[index];
            if (slot.Key == key && slot.Port == port)
            {
                if (slot.LastSeen != now)
                {
                    slot.LastSeen = now;
                }
                return ref slot;
            }
            if (slot.Key == 0)
            {
                return ref Insert(ref slot, key, port, now);
            }
            index = (index + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ref Slot Insert(ref Slot slot, ulong key, int port, uint now)
    {
        if (_count == Capacity || key >> 48 == 0)
        {
            return ref _overflow;
        }
        slot = new Slot { Key = key, Port = port, LastSeen = now };
        _count++;
        return ref slot;
    }

    private int Home(ulong key, int port) => (int)(((key ^ ((ulong)port << 40)) * 0x9E37_79B9_7F4A_7C15UL) >> _shift);

    private void Delete(int index)
    {
        _slots[index] = default;
        _count--;
        int hole = index;
        int next = (index + 1) & _mask;
        while (_slots[next].Key != 0)
        {
            int home = Home(_slots[next].Key, _slots[next].Port);
            // The entry at `next` may fill the hole if its home is not in the cyclic range (hole, next].
            bool homeAfterHole = hole <= next ? home > hole && home <= next : home > hole || home <= next;
            if (!homeAfterHole)
            {
                _slots[hole] = _slots[next];
                _slots[next] = default;
                hole = next;
            }
            next = (next + 1) & _mask;
        }
    }
}
