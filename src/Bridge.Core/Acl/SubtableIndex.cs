// One tuple-space subtable's hash index: masked flow values -> earliest rule. It hashes and compares
// only the words its mask uses (most masks touch two or three of eight), in an open-addressing
// table built once, so a lookup is a few multiplies and usually one probe. Read-only after Build.
namespace Hairpin.Bridge.Core.Acl;

internal sealed class SubtableIndex
{
    private readonly int[] _words;       // indices of the mask's non-zero words
    private readonly FlowKey _mask;
    private FlowKey[] _values = [];
    private int[] _rules = [];
    private int _slotMask;

    public SubtableIndex(in FlowKey mask)
    {
        _mask = mask;
        var words = new List<int>();
        for (int i = 0; i < FlowWords.Words; i++)
        {
            if (mask.Words[i] != 0)
            {
                words.Add(i);
            }
        }
        _words = [.. words];
    }

    /// <summary>Builds the table from (masked value, rule) pairs; the first rule per value is kept.</summary>
    public void Build(IEnumerable<(FlowKey Value, int Rule)> entries)
    {
        var list = entries.ToList();
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, list.Count * 2));
        _values = new FlowKey[size];
        _rules = new int[size];
        Array.Fill(_rules, -1);
        _slotMask = size - 1;
        foreach ((FlowKey value, int rule) in list)
        {
            int slot = Hash(value) & _slotMask;
            while (_rules[slot] >= 0 && !SameMasked(_values[slot], value))
            {
                slot = (slot + 1) & _slotMask;
            }
            if (_rules[slot] < 0)
            {
                _values[slot] = value;
                _rules[slot] = rule;
            }
        }
    }

    /// <summary>The earliest rule whose masked value equals <paramref name="key"/> under this mask, or -1.</summary>
    public int Find(in FlowKey key)
    {
        int slot = Hash(key) & _slotMask;
        while (_rules[slot] >= 0)
        {
            if (SameMasked(_values[slot], key))
            {
                return _rules[slot];
            }
            slot = (slot + 1) & _slotMask;
        }
        return -1;
    }

    private int Hash(in FlowKey key)
    {
        ulong hash = 0;
        foreach (int word in _words)
        {
            hash = (hash ^ (key.Words[word] & _mask.Words[word])) * 0x9E37_79B9_7F4A_7C15UL;
            hash ^= hash >> 31;
        }
        return (int)(hash >> 32);
    }

    /// <summary>Stored values are already masked; the probe key is masked on the fly.</summary>
    private bool SameMasked(in FlowKey stored, in FlowKey key)
    {
        foreach (int word in _words)
        {
            if (stored.Words[word] != (key.Words[word] & _mask.Words[word]))
            {
                return false;
            }
        }
        return true;
    }
}
