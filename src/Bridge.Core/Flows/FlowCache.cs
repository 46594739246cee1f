// The flow table: a fixed number of entries allocated up front, found by hash (chained through entry
// indexes), and kept on two intrusive lists: by last frame (least recently seen first: idle expiry
// and eviction walk it from the front and stop at the first entry that stays) and by first frame
// (active expiry). A frame of a known flow costs a lookup, a few additions and a move to the back of
// one list; nothing is allocated after construction. Time is a parameter (TimeProvider ticks).
// Forwarding thread only.
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Acl;

namespace Hairpin.Bridge.Core.Flows;

internal sealed class FlowCache
{
    private const int None = -1;

    private readonly Entry[] _entries;
    private readonly int[] _buckets;
    private readonly int _bucketMask;
    private int _free;          // first free entry, chained through HashNext
    private int _leastRecent = None;
    private int _mostRecent = None;
    private int _oldest = None;
    private int _newest = None;

    public FlowCache(int capacity)
    {
        _entries = new Entry[capacity];
        int buckets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity, 2) * 2);
        _buckets = new int[buckets];
        _bucketMask = buckets - 1;
        Array.Fill(_buckets, None);
        for (int i = 0; i < capacity; i++)
        {
            _entries[i].HashNext = i + 1 < capacity ? i + 1 : None;
        }
        _free = 0;
    }

    public int Count { get; private set; }
    public int Capacity => _entries.Length;

    /// <summary>The entry of (<paramref name="key"/>, <paramref name="verdict"/>), or None.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(in FlowKey key, byte verdict, int hash)
    {
        for (int i = _buckets[hash & _bucketMask]; i != None; i = _entries[i].HashNext)
        {
            ref Entry entry = ref _entries[i];
            if (entry.Hash == hash && entry.Verdict == verdict && entry.Key.Equals(key))
            {
                return i;
            }
        }
        return None;
    }

    public ref Entry At(int index) => ref _entries[index];

    /// <summary>True when a new flow needs an entry to be freed first.</summary>
    public bool IsFull => _free == None;

    /// <summary>The flow least recently seen (the one to report early when full), or None.</summary>
    public int LeastRecent => _leastRecent;

    /// <summary>The flow seen first among those in the cache (the first to reach the active timeout), or None.</summary>
    public int Oldest => _oldest;

    /// <summary>A new flow, seen first at <paramref name="timestamp"/>; the cache must not be full.</summary>
    public int Add(in FlowKey key, byte verdict, int hash, long timestamp)
    {
        int index = _free;
        ref Entry entry = ref _entries[index];
        _free = entry.HashNext;
        entry = default;
        entry.Key = key;
        entry.Verdict = verdict;
        entry.Hash = hash;
        entry.First = timestamp;
        entry.Last = timestamp;
        int bucket = hash & _bucketMask;
        entry.HashNext = _buckets[bucket];
        _buckets[bucket] = index;
        entry.LessRecent = _mostRecent;
        entry.MoreRecent = None;
        LinkMoreRecent(_mostRecent, index);
        _mostRecent = index;
        if (_leastRecent == None)
        {
            _leastRecent = index;
        }
        entry.Older = _newest;
        entry.Newer = None;
        if (_newest != None)
        {
            _entries[_newest].Newer = index;
        }
        _newest = index;
        if (_oldest == None)
        {
            _oldest = index;
        }
        Count++;
        return index;
    }

    /// <summary>A frame of the flow at <paramref name="index"/> was seen: it moves to the back of the idle list.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(int index, long timestamp)
    {
        ref Entry entry = ref _entries[index];
        entry.Last = timestamp;
        if (index == _mostRecent)
        {
            return;
        }
        // Out of the idle list, onto its back.
        int less = entry.LessRecent;
        int more = entry.MoreRecent;
        LinkMoreRecent(less, more);
        _entries[more].LessRecent = less;
        if (index == _leastRecent)
        {
            _leastRecent = more;
        }
        entry.LessRecent = _mostRecent;
        entry.MoreRecent = None;
        _entries[_mostRecent].MoreRecent = index;
        _mostRecent = index;
    }

    /// <summary>Takes the flow at <paramref name="index"/> out of the table and both lists; its entry is free again.</summary>
    public void Remove(int index)
    {
        ref Entry entry = ref _entries[index];
        int bucket = entry.Hash & _bucketMask;
        if (_buckets[bucket] == index)
        {
            _buckets[bucket] = entry.HashNext;
        }
        else
        {
            int previous = _buckets[bucket];
            while (_entries[previous].HashNext != index)
            {
                previous = _entries[previous].HashNext;
            }
            _entries[previous].HashNext = entry.HashNext;
        }
        LinkMoreRecent(entry.LessRecent, entry.MoreRecent);
        if (entry.MoreRecent != None)
        {
            _entries[entry.MoreRecent].LessRecent = entry.LessRecent;
        }
        if (index == _leastRecent)
        {
            _leastRecent = entry.MoreRecent;
        }
        if (index == _mostRecent)
        {
            _mostRecent = entry.LessRecent;
        }
        if (entry.Older != None)
        {
            _entries[entry.Older].Newer = entry.Newer;
        }
        if (entry.Newer != None)
        {
            _entries[entry.Newer].Older = entry.Older;
        }
        if (index == _oldest)
        {
            _oldest = entry.Newer;
        }
        if (index == _newest)
        {
            _newest = entry.Older;
        }
        entry.Vsi = null;
        entry.HashNext = _free;
        _free = index;
        Count--;
    }

    private void LinkMoreRecent(int less, int more)
    {
        if (less != None)
        {
            _entries[less].MoreRecent = more;
        }
    }

    /// <summary>One flow: its key and verdict, what it carried, and its place in the table and lists.</summary>
    internal struct Entry
    {
        public FlowKey Key;
        public byte Verdict;
        public byte TcpFlags;
        public int Hash;
        public int HashNext;
        public int LessRecent;
        public int MoreRecent;
        public int Older;
        public int Newer;
        public long Packets;
        public long Bytes;
        public long Layer2Bytes;
        public long First;
        public long Last;
        public ulong EgressPorts;
        public ushort TagVid;
        public string? Vsi;
    }
}
