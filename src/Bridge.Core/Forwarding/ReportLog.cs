// A bounded queue of events for the control plane to log (damped MACs, detected loops). When
// nobody takes them, the oldest make way and are counted as lost: the newest matter most.
namespace Hairpin.Bridge.Core.Forwarding;

public sealed class ReportLog<T>
    where T : struct
{
    private readonly T[] _items;
    private int _head;
    private int _count;

    public ReportLog(int capacity) => _items = new T[capacity];

    public long Lost { get; private set; }

    public bool TryTake(out T item)
    {
        if (_count == 0)
        {
            item = default;
            return false;
        }
        item = _items[_head];
        _head = (_head + 1) % _items.Length;
        _count--;
        return true;
    }

    internal void Add(T item)
    {
        if (_count == _items.Length)
        {
            _head = (_head + 1) % _items.Length;
            _count--;
            Lost++;
        }
        _items[(_head + _count) % _items.Length] = item;
        _count++;
    }
}
