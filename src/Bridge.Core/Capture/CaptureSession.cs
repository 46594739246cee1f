// One live capture (`hairpin capture`): a bounded ring of pre-allocated slots the forwarding thread
// copies matching frames into and one reader (the management thread serving the capture) takes them
// out of. The capture takes no buffer from forwarding and never makes it wait: with the ring full, a
// frame is lost to the capture and counted, never to the bridge. It ends itself after a number of
// frames or bytes, if asked. Single producer, single consumer: slots are written, then made visible
// all at once at the end of each batch (Commit), so a frame's drop reason, known only once the
// engine is done with it, is in its slot before the reader can see it.
using System.Numerics;
using Hairpin.Bridge.Core.Counters;

namespace Hairpin.Bridge.Core.Capture;

public sealed class CaptureSession
{
    /// <summary>Bytes kept of each frame unless asked otherwise: any standard frame whole.</summary>
    public const int DefaultSnapLength = 2048;
    public const int DefaultCapacity = 1024;
    /// <summary>Captures that may run at once on one engine.</summary>
    public const int MaxRunning = 8;

    private readonly Slot[] _slots;
    private readonly int _mask;
    private readonly long _maxFrames;
    private readonly long _maxBytes;
    private long _reserved;    // producer only: the next slot to write
    private long _published;   // written by the producer at commit, read by the consumer
    private long _taken;       // written by the consumer, read by the producer
    private long _takenFrames;
    private long _takenBytes;
    private long _lost;
    private bool _budgetSpent; // producer only: the frame or byte budget is spent
    private bool _ended;       // set at the commit after the budget was spent: nothing more will be published

    /// <param name="maxFrames">Frames after which the capture takes no more (0: no limit).</param>
    /// <param name="maxBytes">Captured bytes after which it takes no more (0: no limit).</param>
    public CaptureSession(CaptureSelector selector, int capacity = DefaultCapacity, int snapLength = DefaultSnapLength, long maxFrames = 0, long maxBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(snapLength, 64);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFrames);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        Selector = selector;
        SnapLength = snapLength;
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)capacity);
        _slots = new Slot[size];
        for (int i = 0; i < size; i++)
        {
            _slots[i] = new Slot(snapLength);
        }
        _mask = size - 1;
        _maxFrames = maxFrames;
        _maxBytes = maxBytes;
    }

    public CaptureSelector Selector { get; }
    public int SnapLength { get; }

    /// <summary>Frames that matched while the ring was full: lost to the capture (forwarding went on).</summary>
    public long Lost => Volatile.Read(ref _lost);

    /// <summary>Frames written into the ring so far (read or not).</summary>
    public long Captured => Volatile.Read(ref _published);

    /// <summary>True once the frame or byte budget is spent and everything captured has been read.</summary>
    public bool Completed => Volatile.Read(ref _ended) && Volatile.Read(ref _taken) == Volatile.Read(ref _published);

    /// <summary>Consumer: the next captured frame, copied into <paramref name="into"/>; false when none is waiting.</summary>
    public bool TryRead(CapturedFrame into)
    {
        ArgumentNullException.ThrowIfNull(into);
        long next = _taken;
        if (next == Volatile.Read(ref _published))
        {
            return false;
        }
        Slot slot = _slots[next & _mask];
        int length = Math.Min(slot.Length, into.Data.Length);
        slot.Data.AsSpan(0, length).CopyTo(into.Data);
        into.Length = length;
        into.OriginalLength = slot.OriginalLength;
        into.Port = slot.Port;
        into.Outbound = slot.Outbound;
        into.Timestamp = slot.Timestamp;
        into.Dropped = slot.HasDrop ? slot.Drop : null;
        Volatile.Write(ref _taken, next + 1);
        return true;
    }

    /// <summary>Producer: copies a frame into the next slot; its index, or -1 when the ring is full (counted lost) or the budget is spent.</summary>
    internal long Write(ReadOnlySpan<byte> frame, int port, bool outbound, long timestamp)
    {
        if (_budgetSpent)
        {
            return -1;
        }
        if (_reserved - Volatile.Read(ref _taken) >= _slots.Length)
        {
            Interlocked.Increment(ref _lost);
            return -1;
        }
        long index = _reserved++;
        Slot slot = _slots[index & _mask];
        int length = Math.Min(frame.Length, slot.Data.Length);
        frame[..length].CopyTo(slot.Data);
        slot.Length = length;
        slot.OriginalLength = frame.Length;
        slot.Port = port;
        slot.Outbound = outbound;
        slot.Timestamp = timestamp;
        slot.HasDrop = false;
        _takenFrames++;
        _takenBytes += length;
        if ((_maxFrames > 0 && _takenFrames >= _maxFrames) || (_maxBytes > 0 && _takenBytes >= _maxBytes))
        {
            _budgetSpent = true;   // the reader learns it at the batch's commit, after the last frames
        }
        return index;
    }

    /// <summary>Producer: the frame in slot <paramref name="index"/> was dropped, for this reason.</summary>
    internal void MarkDropped(long index, DropReason reason)
    {
        Slot slot = _slots[index & _mask];
        slot.HasDrop = true;
        slot.Drop = reason;
    }

    /// <summary>Producer: everything written so far becomes visible to the reader.</summary>
    internal void Commit()
    {
        if (_published != _reserved)
        {
            Volatile.Write(ref _published, _reserved);
        }
        if (_budgetSpent && !_ended)
        {
            Volatile.Write(ref _ended, true);
        }
    }

    private sealed class Slot(int snapLength)
    {
        public byte[] Data { get; } = new byte[snapLength];
        public int Length { get; set; }
        public int OriginalLength { get; set; }
        public int Port { get; set; }
        public bool Outbound { get; set; }
        public long Timestamp { get; set; }
        public bool HasDrop { get; set; }
        public DropReason Drop { get; set; }
    }
}
