// The forwarding database: (VID, MAC) -> port, for independent VLAN learning.
//
// Open addressing with linear probing, at most half full, so a lookup is one multiply, one shift and
// usually one cache line. Slots are 16 bytes, four to a line. The table is allocated once at its full
// capacity but only a power-of-two prefix of it is in use, doubled (rehashed in place through a
// preallocated scratch area) as entries arrive: a bridge with a few hundred hosts touches a few dozen
// pages, not megabytes, and nothing is ever allocated after construction. Deletion shifts followers
// back (no tombstones), so lookups never degrade after churn. Learning at a limit refuses instead of
// growing past the capacity. Single writer: only the forwarding thread calls any member.
//
// Time is whole seconds (the caller converts its clock once per batch): ageing is a 300-second
// affair, and a 32-bit second count keeps the slot small.
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Fdb;

public sealed class FdbTable
{
    private const int MaxPorts = 64;
    private const int InitialActiveSize = 1024;

    private struct Slot
    {
        public ulong Key;          // (VID << 48) | MAC; 0 marks an empty slot (VID 0 is never a key)
        public uint LastSeen;      // second of the last frame from this MAC
        public byte Port;
        public FdbEntryKind Kind;
        public ushort PinnedUntil;  // low 16 bits of the second a damping pin ends; 0: not pinned
    }

    private readonly Slot[] _slots;
    private readonly Slot[] _scratch;   // where Grow parks entries while it rehashes
    private readonly int[] _learnedPerPort = new int[MaxPorts];
    private readonly int[] _staticPerPort = new int[MaxPorts];
    private readonly int _maxStatic;
    private int _activeSize;
    private int _mask;
    private int _shift;
    private long _layoutVersion = 1;

    public FdbTable(int learnedCapacity, int maxStatic)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(learnedCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxStatic);
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * (learnedCapacity + maxStatic)));
        _slots = new Slot[size];
        _scratch = new Slot[size / 2];
        _maxStatic = maxStatic;
        LearnedCapacity = learnedCapacity;
        Activate(Math.Min(size, InitialActiveSize));
    }

    private void Activate(int activeSize)
    {
        _activeSize = activeSize;
        _mask = activeSize - 1;
        _shift = 64 - BitOperations.Log2((uint)activeSize);
    }

    /// <summary>Slots in use for hashing now (grows by doubling, up to the capacity).</summary>
    public int ActiveSize => _activeSize;

    public int LearnedCapacity { get; }
    public int LearnedCount { get; private set; }
    public int StaticCount { get; private set; }
    public int Count => LearnedCount + StaticCount;
    public int LearnedOnPort(int port) => _learnedPerPort[port];
    public int StaticOnPort(int port) => _staticPerPort[port];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong KeyOf(int vid, MacAddress mac) => VidMacKey.Of(vid, mac);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int HomeOf(ulong key) => (int)((key * 0x9E37_79B9_7F4A_7C15UL) >> _shift);

    /// <summary>The table as laid out now, for a caller that looks up and refreshes many frames between changes.</summary>
    internal Layout CurrentLayout => new(this);

    /// <summary>
    /// Changes whenever an entry is added, removed, moved to another port or to another slot (never 0,
    /// and refreshing an entry leaves it): while it holds, a lookup's answer and an entry's slot stand,
    /// so a caller may keep them (the policy fast path's HeaderFlowCache does, per flow).
    /// </summary>
    internal long LayoutVersion => _layoutVersion;

    /// <summary>
    /// The slots and hash of the table as it is now: valid until an entry is added or removed (an
    /// insert may grow and rehash the table, a removal shifts entries back), so a caller that only
    /// looks up and refreshes may hold it across frames and save the table's loads per frame.
    /// </summary>
    internal readonly struct Layout
    {
        private readonly Slot[] _slots;
        private readonly int _shift;
        private readonly int _mask;

        internal Layout(FdbTable table)
        {
            _slots = table._slots;
            _shift = table._shift;
            _mask = table._mask;
        }

        /// <summary>The port a (VID, MAC) was learned on, or -1 (as <see cref="FdbTable.Lookup"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Lookup(int vid, MacAddress mac)
        {
            ulong key = KeyOf(vid, mac);
            ref Slot slot = ref Find(key);
            return slot.Key == key ? slot.Port : -1;
        }

        /// <summary>
        /// Learn's common case alone: <see cref="RefreshResult.Refreshed"/> when (VID, MAC) is on
        /// <paramref name="port"/> already and is now refreshed, as <see cref="FdbTable.Learn"/> would;
        /// otherwise nothing is done, and the answer says whether the table has the address at all.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public RefreshResult TryRefresh(int vid, MacAddress mac, int port, uint now) => TryRefresh(vid, mac, port, now, out _);

        /// <summary>The same, with the entry's slot (<see cref="Refresh"/> refreshes it again while the table's <see cref="LayoutVersion"/> holds).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public RefreshResult TryRefresh(int vid, MacAddress mac, int port, uint now, out int index)
        {
            ulong key = KeyOf(vid, mac);
            ref Slot slot = ref Find(key, out index);
            if (slot.Key != key)
            {
                return RefreshResult.Absent;
            }
            if (slot.Port != port)
            {
                return RefreshResult.ElsewhereOrRefused;
            }
            // Time is read once per batch: skip the store (and the dirty cache line) for repeats.
            if (slot.LastSeen != now)
            {
                slot.LastSeen = now;
            }
            return RefreshResult.Refreshed;
        }

        /// <summary>
        /// Refreshes the entry in slot <paramref name="index"/>, which <see cref="TryRefresh(int, MacAddress, int, uint, out int)"/>
        /// found refreshed on its port under the table's present <see cref="LayoutVersion"/>: as TryRefresh would again.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Refresh(int index, uint now)
        {
            ref Slot slot = ref _slots[index];
            if (slot.LastSeen != now)
            {
                slot.LastSeen = now;
            }
        }

        /// <summary>The slot holding <paramref name="key"/>, or the empty slot that ends its run (inline, loop and all: no call).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ref Slot Find(ulong key) => ref Find(key, out _);

        /// <summary>The same, with the slot's index.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private ref Slot Find(ulong key, out int index)
        {
            Slot[] slots = _slots;
            index = (int)((key * 0x9E37_79B9_7F4A_7C15UL) >> _shift);
            while (true)
            {
                ref Slot slot = ref slots[index];
                if (slot.Key == key || slot.Key == 0)
                {
                    return ref slot;
                }
                index = (index + 1) & _mask;
            }
        }
    }

    /// <summary>What <see cref="Layout.TryRefresh"/> found.</summary>
    internal enum RefreshResult
    {
        Refreshed,
        /// <summary>No entry: learning it would be an insert (or a refusal at a limit).</summary>
        Absent,
        /// <summary>An entry on another port: learning it would be a move (or a refusal).</summary>
        ElsewhereOrRefused,
    }

    /// <summary>The port a (VID, MAC) was learned on, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Lookup(int vid, MacAddress mac)
    {
        // Half full at most, so the key is usually in its home slot or the home slot is empty: both
        // are decided on the one slot (one bounds check, one cache line); a run is walked out of line.
        ulong key = KeyOf(vid, mac);
        int home = HomeOf(key);
        ref Slot slot = ref _slots[home];
        if (slot.Key == key)
        {
            return slot.Port;
        }
        return slot.Key == 0 ? -1 : LookupPastHome(key, home);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int LookupPastHome(ulong key, int home)
    {
        ref Slot slot = ref _slots[ProbeFrom(key, home)];
        return slot.Key == key ? slot.Port : -1;
    }

    /// <summary>The kind of the entry for (VID, MAC), or null when there is none.</summary>
    public FdbEntryKind? KindOf(int vid, MacAddress mac)
    {
        ulong key = KeyOf(vid, mac);
        ref Slot slot = ref _slots[Probe(key)];
        return slot.Key == key ? slot.Kind : null;
    }

    /// <summary>The slot holding <paramref name="key"/>, or the empty slot that ends its probe run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Probe(ulong key) => ProbeFrom(key, HomeOf(key));

    /// <summary>As <see cref="Probe"/>, from a slot of the key's run (its home, or one the caller already passed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ProbeFrom(ulong key, int index)
    {
        Slot[] slots = _slots;
        while (slots[index].Key != key && slots[index].Key != 0)
        {
            index = (index + 1) & _mask;
        }
        return index;
    }

    /// <summary>
    /// Learns that <paramref name="mac"/> in <paramref name="vid"/> was just seen on <paramref name="port"/>.
    /// <paramref name="portLimit"/> 0 means no per-port limit; <paramref name="bridgeLimit"/> caps learned entries.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public LearnOutcome Learn(int vid, MacAddress mac, int port, uint now, int portLimit, int bridgeLimit)
    {
        // The common case, a known host refreshing itself from its home slot, touches that one slot.
        ulong key = KeyOf(vid, mac);
        int home = HomeOf(key);
        ref Slot slot = ref _slots[home];
        if (slot.Key == key && slot.Port == port)
        {
            // Time is read once per batch: skip the store (and the dirty cache line) for repeats.
            if (slot.LastSeen != now)
            {
                slot.LastSeen = now;
            }
            return LearnOutcome.Refreshed;
        }
        return LearnPastHome(key, home, port, now, portLimit, bridgeLimit);
    }

    /// <summary>Learn's other cases: a new host, a move, or a key further down its run.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private LearnOutcome LearnPastHome(ulong key, int home, int port, uint now, int portLimit, int bridgeLimit)
    {
        int index = ProbeFrom(key, home);
        ref Slot slot = ref _slots[index];
        if (slot.Key == 0)
        {
            return Insert(index, key, port, now, portLimit, bridgeLimit);
        }
        if (slot.Port != port)
        {
            return Move(index, port, now, portLimit);
        }
        if (slot.LastSeen != now)
        {
            slot.LastSeen = now;
        }
        return LearnOutcome.Refreshed;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private LearnOutcome Insert(int index, ulong key, int port, uint now, int portLimit, int bridgeLimit)
    {
        if (LearnedCount >= bridgeLimit || LearnedCount >= LearnedCapacity || (portLimit != 0 && _learnedPerPort[port] >= portLimit))
        {
            return LearnOutcome.LimitReached;
        }
        index = MakeRoomFor(key, index);
        _slots[index] = new Slot { Key = key, LastSeen = now, Port = (byte)port, Kind = FdbEntryKind.Learned };
        _layoutVersion++;
        LearnedCount++;
        _learnedPerPort[port]++;
        return LearnOutcome.Learned;
    }

    /// <summary>The port the most recent <see cref="LearnOutcome.Moved"/> moved an entry away from.</summary>
    public int LastMovedFrom { get; private set; } = -1;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private LearnOutcome Move(int index, int port, uint now, int portLimit)
    {
        ref Slot slot = ref _slots[index];
        if (slot.Kind != FdbEntryKind.Learned || IsPinned(slot, now))
        {
            return LearnOutcome.MoveRefused;
        }
        LastMovedFrom = slot.Port;
        _learnedPerPort[slot.Port]--;
        if (portLimit != 0 && _learnedPerPort[port] >= portLimit)
        {
            // The old port is wrong now and the new one may not learn it: forget it, so traffic floods.
            LearnedCount--;
            RemoveAt(index);
            return LearnOutcome.LimitReached;
        }
        slot.Port = (byte)port;
        slot.LastSeen = now;
        _layoutVersion++;
        _learnedPerPort[port]++;
        return LearnOutcome.Moved;
    }

    /// <summary>
    /// Puts a learned entry back on <paramref name="port"/> and keeps it there, whatever frames say,
    /// until <paramref name="until"/> (MAC move damping). At most 32,767 seconds ahead.
    /// </summary>
    public void Pin(int vid, MacAddress mac, int port, uint until)
    {
        ref Slot slot = ref _slots[Probe(KeyOf(vid, mac))];
        if (slot.Key == 0 || slot.Kind != FdbEntryKind.Learned)
        {
            return;
        }
        _learnedPerPort[slot.Port]--;
        _learnedPerPort[port]++;
        slot.Port = (byte)port;
        slot.PinnedUntil = (ushort)until == 0 ? (ushort)1 : (ushort)until;
        _layoutVersion++;
    }

    private static bool IsPinned(in Slot slot, uint now) =>
        slot.PinnedUntil != 0 && (short)(slot.PinnedUntil - (ushort)now) > 0;

    /// <summary>Adds or replaces an operator entry (`fdb add`). False when the static table is full.</summary>
    public bool AddPermanent(int vid, MacAddress mac, int port, FdbEntryKind kind, uint now)
    {
        ArgumentOutOfRangeException.ThrowIfEqual((int)kind, (int)FdbEntryKind.Learned);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)port, (uint)MaxPorts);
        ValidateKey(vid, mac);
        Remove(vid, mac);
        if (kind == FdbEntryKind.Static && StaticCount >= _maxStatic)
        {
            return false;
        }
        if (kind == FdbEntryKind.Sticky && LearnedCount >= LearnedCapacity)
        {
            return false;
        }
        ulong key = KeyOf(vid, mac);
        int index = MakeRoomFor(key, Probe(key));   // Remove above made sure the key is absent
        _slots[index] = new Slot { Key = key, LastSeen = now, Port = (byte)port, Kind = kind };
        _layoutVersion++;
        CountIn(_slots[index]);
        return true;
    }

    /// <summary>Removes one entry of any kind (`fdb del`). False when there was none.</summary>
    public bool Remove(int vid, MacAddress mac)
    {
        ValidateKey(vid, mac);
        int index = Probe(KeyOf(vid, mac));
        if (_slots[index].Key == 0)
        {
            return false;
        }
        CountOut(_slots[index]);
        RemoveAt(index);
        return true;
    }

    /// <summary>Removes entries by port and/or VID (null: any); static ones only when asked (`fdb flush`).</summary>
    public int Flush(int? port = null, int? vid = null, bool includeStatic = false) =>
        RemoveWhere(new FlushFilter(port ?? -1, vid ?? -1, includeStatic));

    /// <summary>
    /// Removes learned entries, on any port, in every VLAN one of <paramref name="ports"/> is a member
    /// of (<paramref name="vlanMembers"/>: member ports by VID): a topology change's flush. Static and
    /// sticky entries are the operator's and stay.
    /// </summary>
    public int FlushLearnedInVlans(ulong[] vlanMembers, ulong ports) => RemoveWhere(new LearnedInVlansFilter(vlanMembers, ports));

    /// <summary>
    /// Removes the learned entries of <paramref name="vid"/> on <paramref name="port"/>: an MVRP New's
    /// flush (802.1Q 11.2.5). Static entries (VSI bindings among them) and sticky ones are the operator's
    /// and stay, as do other VIDs and other ports.
    /// </summary>
    public int FlushLearnedOnPortInVlan(int port, int vid) => RemoveWhere(new LearnedOnPortInVlanFilter(port, vid));

    /// <summary>Removes learned and sticky entries idle longer than <paramref name="maxIdleSeconds"/>.</summary>
    public int AgeOut(uint now, uint maxIdleSeconds) => RemoveWhere(new AgeFilter(now, maxIdleSeconds));

    /// <summary>Removes every entry, static ones too, for which <paramref name="isStale"/>(port, vid) holds (configuration changes).</summary>
    public int RemoveWhere(Func<int, int, bool> isStale) => RemoveWhere(new StaleFilter(isStale));

    /// <summary>A snapshot of every entry, for the control plane (allocates).</summary>
    public List<FdbEntry> Snapshot()
    {
        var entries = new List<FdbEntry>(Count);
        foreach (Slot slot in _slots.AsSpan(0, _activeSize))
        {
            if (slot.Key != 0)
            {
                entries.Add(new FdbEntry((int)(slot.Key >> 48), new MacAddress(slot.Key & 0xFFFF_FFFF_FFFFUL), slot.Port, slot.Kind, slot.LastSeen));
            }
        }
        return entries;
    }

    private interface IEntryFilter
    {
        bool Matches(in Slot slot);
    }

    private readonly struct FlushFilter(int port, int vid, bool includeStatic) : IEntryFilter
    {
        public bool Matches(in Slot slot) =>
            (port < 0 || slot.Port == port)
            && (vid < 0 || (int)(slot.Key >> 48) == vid)
            && (includeStatic || slot.Kind != FdbEntryKind.Static);
    }

    private readonly struct LearnedInVlansFilter(ulong[] vlanMembers, ulong ports) : IEntryFilter
    {
        public bool Matches(in Slot slot) => slot.Kind == FdbEntryKind.Learned && (vlanMembers[(int)(slot.Key >> 48)] & ports) != 0;
    }

    private readonly struct LearnedOnPortInVlanFilter(int port, int vid) : IEntryFilter
    {
        public bool Matches(in Slot slot) => slot.Kind == FdbEntryKind.Learned && slot.Port == port && (int)(slot.Key >> 48) == vid;
    }

    private readonly struct AgeFilter(uint now, uint maxIdle) : IEntryFilter
    {
        public bool Matches(in Slot slot) => slot.Kind != FdbEntryKind.Static && now - slot.LastSeen > maxIdle;
    }

    private readonly struct StaleFilter(Func<int, int, bool> isStale) : IEntryFilter
    {
        public bool Matches(in Slot slot) => isStale(slot.Port, (int)(slot.Key >> 48));
    }

    private int RemoveWhere<TFilter>(TFilter filter) where TFilter : struct, IEntryFilter
    {
        int removed = 0;
        for (int index = 0; index < _activeSize; index++)
        {
            // A removal shifts a follower into this slot, so look at the same slot again.
            while (_slots[index].Key != 0 && filter.Matches(_slots[index]))
            {
                CountOut(_slots[index]);
                RemoveAt(index);
                removed++;
            }
        }
        return removed;
    }

    /// <summary>
    /// Keeps the active part at most half full: doubles it (rehashing every entry) when one more would
    /// pass that, and returns where <paramref name="key"/> now goes.
    /// </summary>
    private int MakeRoomFor(ulong key, int index)
    {
        if (2 * (Count + 1) <= _activeSize || _activeSize == _slots.Length)
        {
            return index;
        }
        int parked = 0;
        foreach (ref Slot slot in _slots.AsSpan(0, _activeSize))
        {
            if (slot.Key != 0)
            {
                _scratch[parked++] = slot;
                slot = default;
            }
        }
        Activate(2 * _activeSize);
        _layoutVersion++;
        foreach (Slot slot in _scratch.AsSpan(0, parked))
        {
            _slots[Probe(slot.Key)] = slot;
        }
        _scratch.AsSpan(0, parked).Clear();
        return Probe(key);
    }

    private void CountIn(in Slot slot)
    {
        if (slot.Kind == FdbEntryKind.Static)
        {
            StaticCount++;
            _staticPerPort[slot.Port]++;
        }
        else
        {
            LearnedCount++;
            _learnedPerPort[slot.Port]++;
        }
    }

    private void CountOut(in Slot slot)
    {
        if (slot.Kind == FdbEntryKind.Static)
        {
            StaticCount--;
            _staticPerPort[slot.Port]--;
        }
        else
        {
            LearnedCount--;
            _learnedPerPort[slot.Port]--;
        }
    }

    /// <summary>Backward-shift deletion: pull later members of the probe run into the hole.</summary>
    private void RemoveAt(int hole)
    {
        _layoutVersion++;
        int next = hole;
        while (true)
        {
            _slots[hole] = default;
            while (true)
            {
                next = (next + 1) & _mask;
                if (_slots[next].Key == 0)
                {
                    return;
                }
                int home = HomeOf(_slots[next].Key);
                // The entry at `next` may fill the hole only if its home is not cyclically in (hole, next].
                bool homeBetween = hole <= next ? hole < home && home <= next : hole < home || home <= next;
                if (!homeBetween)
                {
                    break;
                }
            }
            _slots[hole] = _slots[next];
            hole = next;
        }
    }

    private static void ValidateKey(int vid, MacAddress mac)
    {
        if (vid is < 1 or > 4094)
        {
            throw new ArgumentOutOfRangeException(nameof(vid), vid, "VLAN ID must be 1..4094");
        }
        if (mac.IsZero || mac.Value > 0xFFFF_FFFF_FFFFUL)
        {
            throw new ArgumentOutOfRangeException(nameof(mac), mac, "not a usable MAC address");
        }
    }
}
