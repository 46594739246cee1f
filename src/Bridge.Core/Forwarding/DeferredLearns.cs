// New hosts the engine's fast loop met in one run, to learn when the run ends: inserting into the FDB
// may grow it and change its layout, which the loop holds for the whole run. A bounded list: when it
// is full the loop learns out of line instead.
using Hairpin.Bridge.Core.Headers;

namespace Hairpin.Bridge.Core.Forwarding;

internal sealed class DeferredLearns
{
    private const int Capacity = 64;

    private readonly (int Vid, MacAddress Source, int Port)[] _learns = new (int, MacAddress, int)[Capacity];

    public int Count { get; private set; }

    public (int Vid, MacAddress Source, int Port) this[int index] => _learns[index];

    /// <summary>Adds one; false when the list is full (nothing added).</summary>
    public bool TryAdd(int vid, MacAddress source, int port)
    {
        if (Count == Capacity)
        {
            return false;
        }
        _learns[Count++] = (vid, source, port);
        return true;
    }

    public void Clear() => Count = 0;
}
