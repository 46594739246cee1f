// Egress scheduling for one port: bounded per-class queues (a full queue tail-drops and counts),
// strict priority for the top classes, deficit weighted round robin (Shreedhar & Varghese) for the
// rest, and a token-bucket port shaper on top. Single-threaded: the forwarding thread enqueues and
// the transmitter's turn on the same thread dequeues. A bitmask of non-empty classes keeps the
// common case (one busy class, no shaper) to a ring dequeue.
//
// Every frame passes here twice, so the layout is for that: each class's ring, byte count and DWRR
// deficit sit in one struct inside the scheduler object (an inline array of eight), where separate
// arrays and ring objects would cost three dependent loads and bounds checks per frame each way;
// the limits, the shaper switch and each class's DWRR quantum are copied out of the configuration
// record when it is applied (its weights are an interface-typed list, a call per read).
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Qos;

public sealed class EgressScheduler
{
    private readonly TimeProvider? _time;
    private readonly long _frequency;
    private readonly int _ringCapacity;
    private ClassQueues _classes;
    private EgressSchedulerConfig _config;
    private int _depthFrames;
    private long _depthBytes;
    private bool _shaped;               // a shaper rate is set: every dequeue asks it
    private int _strictFromClass;
    private uint _occupied;             // bit c: class c has frames queued
    private uint _strictMask;           // bits of the strict classes
    private TokenBucket _shaper;
    private long _lastShaperUpdate;
    private int _roundRobin;            // the DWRR class whose turn it is
    private bool _quantumGiven;         // whether that class got its quantum for this turn

    /// <summary>One class: a ring of frames (single producer and consumer, same thread) and what DWRR and the byte limit keep about it.</summary>
    private struct ClassQueue
    {
        public FrameBuffer?[] Slots;    // a power of two long
        public int Head;                // next slot to read; Head and Tail wrap, Tail - Head is the count
        public int Tail;                // next slot to write
        public long Bytes;
        public long Deficit;
        public long TailDrops;
        public long Quantum;            // DWRR credit per turn: weight x quantum bytes

        public readonly int Count => Tail - Head;
    }

    [InlineArray(EgressSchedulerConfig.Classes)]
    private struct ClassQueues
    {
        private ClassQueue _first;
    }

    /// <summary>A scheduler on explicit timestamps (<see cref="TryDequeue(long, out FrameBuffer?)"/>).</summary>
    public EgressScheduler(EgressSchedulerConfig config, long now, long frequency, int ringCapacity = 1_024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ringCapacity, 1);
        _frequency = frequency;
        _ringCapacity = ringCapacity;
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)ringCapacity);
        for (int i = 0; i < EgressSchedulerConfig.Classes; i++)
        {
            _classes[i].Slots = new FrameBuffer?[size];
        }
        _config = config;
        Configure(config, now);
    }

    /// <summary>A scheduler that reads <paramref name="time"/> when its shaper needs the time.</summary>
    public EgressScheduler(EgressSchedulerConfig config, TimeProvider time, int ringCapacity)
        : this(config, time.GetTimestamp(), time.TimestampFrequency, ringCapacity)
    {
        _time = time;
    }

    public EgressSchedulerConfig Config => _config;
    public long TailDrops(int trafficClass) => _classes[trafficClass].TailDrops;
    public int QueuedFrames(int trafficClass) => _classes[trafficClass].Count;
    public long QueuedBytes(int trafficClass) => _classes[trafficClass].Bytes;

    /// <summary>Frames queued in all classes.</summary>
    public int Count
    {
        get
        {
            int count = 0;
            for (int c = 0; c < EgressSchedulerConfig.Classes; c++)
            {
                count += _classes[c].Count;
            }
            return count;
        }
    }

    public bool IsEmpty => _occupied == 0;

    /// <summary>
    /// Applies new settings without losing a queued frame: a lowered depth only stops new frames;
    /// the shaper starts with a full bucket.
    /// </summary>
    public void Configure(EgressSchedulerConfig config, long now)
    {
        string? error = config.Validate().FirstOrDefault();
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(config));
        }
        _config = config;
        _depthFrames = Math.Min(config.QueueDepthFrames, _ringCapacity);
        _depthBytes = config.QueueDepthBytes;
        _shaped = config.ShaperBytesPerSecond > 0;
        _strictFromClass = config.StrictFromClass;
        _strictMask = (uint)((1 << EgressSchedulerConfig.Classes) - (1 << config.StrictFromClass));
        _shaper = new TokenBucket(config.ShaperBurstBytes, _frequency);
        _lastShaperUpdate = now;
        _roundRobin = 0;
        _quantumGiven = false;
        for (int c = 0; c < EgressSchedulerConfig.Classes; c++)
        {
            _classes[c].Deficit = 0;
            _classes[c].Quantum = (long)config.Weights[c] * config.QuantumBytes;
        }
    }

    /// <summary>Queues a frame in its class; false (tail drop, counted) when the queue is full in frames or bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryEnqueue(FrameBuffer frame, int trafficClass)
    {
        if (!HasRoom(trafficClass, frame.Length))
        {
            _classes[trafficClass].TailDrops++;
            return false;
        }
        Enqueue(frame, trafficClass, frame.Length);
        return true;
    }

    /// <summary>Whether a frame of <paramref name="length"/> bytes fits in its class's queue now (TryEnqueue's test, no effect).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool HasRoom(int trafficClass, int length)
    {
        ref ClassQueue queue = ref _classes[trafficClass];
        // The frame depth is never above the ring's capacity, so it is the only count to check.
        return queue.Count < _depthFrames && queue.Bytes + length <= _depthBytes;
    }

    /// <summary>
    /// Queues a frame of <paramref name="length"/> bytes that <see cref="HasRoom"/> said fits. The
    /// frame is stored last: the store's GC write barrier is a call, and a caller's loop then has
    /// nothing of this method to keep across it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Enqueue(FrameBuffer frame, int trafficClass, int length)
    {
        ref ClassQueue queue = ref _classes[trafficClass];
        FrameBuffer?[] slots = queue.Slots;
        int tail = queue.Tail;
        queue.Tail = tail + 1;
        queue.Bytes += length;
        _occupied |= 1u << trafficClass;
        ref FrameBuffer? slot = ref slots[tail & (slots.Length - 1)];
        if (!ReferenceEquals(slot, frame))
        {
            slot = frame;   // a reference store costs a GC write barrier (2 ns); skipped when the buffer comes back to the slot it left (see Take)
        }
    }

    /// <summary>The next frame to transmit now (by the scheduler's clock), or false when nothing may go.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryDequeue([NotNullWhen(true)] out FrameBuffer? frame)
    {
        uint occupied = _occupied;
        if (IsSingleBusyClass(occupied))
        {
            frame = DequeueSingleBusyClass(occupied);
            return true;
        }
        long now = _shaped && _time is not null ? _time.GetTimestamp() : _lastShaperUpdate;
        frame = DequeueArbitrated(now);
        return frame is not null;
    }

    /// <summary>The next frame to transmit at <paramref name="now"/>, or false when nothing is queued or the shaper says wait.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryDequeue(long now, [NotNullWhen(true)] out FrameBuffer? frame)
    {
        uint occupied = _occupied;
        if (IsSingleBusyClass(occupied))
        {
            frame = DequeueSingleBusyClass(occupied);
            return true;
        }
        frame = DequeueArbitrated(now);
        return frame is not null;
    }

    /// <summary>Exactly one class has frames (<paramref name="occupied"/>) and no shaper is set: nothing to arbitrate, nothing to wait for.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsSingleBusyClass(uint occupied) => occupied != 0 && (occupied & (occupied - 1)) == 0 && !_shaped;

    /// <summary>The head of the one busy class (<paramref name="occupied"/> has its bit alone), read with the ring's indexes in locals.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private FrameBuffer DequeueSingleBusyClass(uint occupied)
    {
        ref ClassQueue queue = ref _classes[BitOperations.TrailingZeroCount(occupied) & (EgressSchedulerConfig.Classes - 1)];
        queue.Deficit = 0;   // a class served alone keeps no DWRR credit
        FrameBuffer?[] slots = queue.Slots;
        int head = queue.Head;
        int slot = head & (slots.Length - 1);
        FrameBuffer frame = slots[slot]!;   // the slot keeps its reference, as Take's does
        queue.Head = ++head;
        queue.Bytes -= frame.Length;
        if (head == queue.Tail)
        {
            _occupied = 0;
        }
        return frame;
    }

    /// <summary>
    /// Removes the head of a non-empty queue and its bytes. The slot keeps its reference until the ring
    /// comes round (Head and Tail say what is queued): pooled buffers live as long as their pool
    /// anyway, and when the same buffers cycle through the ring in step (a steady stream in batches of
    /// one size, as a flood's shared buffer on every port's ring) a buffer queued again into the slot it
    /// left needs no store (see TryEnqueue).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static FrameBuffer Take(ref ClassQueue queue)
    {
        FrameBuffer?[] slots = queue.Slots;
        FrameBuffer frame = slots[queue.Head & (slots.Length - 1)]!;
        queue.Head++;
        queue.Bytes -= frame.Length;
        return frame;
    }

    /// <summary>
    /// Several busy classes, a shaper, or nothing queued: the full decision, out of line; null when
    /// nothing may go. (Returned, not an out parameter: the inlined caller's frame then stays in a register.)
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private FrameBuffer? DequeueArbitrated(long now)
    {
        if (_occupied == 0)
        {
            return null;
        }
        bool shaped = _shaped;
        int chosen = Choose();
        if (shaped && !ShaperAllows(now, chosen))
        {
            return null;
        }
        ref ClassQueue queue = ref _classes[chosen];
        FrameBuffer frame = Take(ref queue);
        if (queue.Count == 0)
        {
            _occupied &= ~(1u << chosen);
        }
        if (chosen < _strictFromClass)
        {
            queue.Deficit -= frame.Length;
        }
        if (shaped)
        {
            _shaper.Take(frame.Length, _frequency);
        }
        return frame;
    }

    /// <summary>The class to send from next: strict classes highest first, else the DWRR turn.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // into the arbitrated dequeue, its one caller
    private int Choose()
    {
        uint strict = _occupied & _strictMask;
        if (strict != 0)
        {
            return 31 - BitOperations.LeadingZeroCount(strict);
        }
        while (true)
        {
            int c = _roundRobin;
            ref ClassQueue queue = ref _classes[c];
            if ((_occupied & (1u << c)) == 0)
            {
                queue.Deficit = 0;   // an idle class keeps no credit (DRR)
                NextTurn();
                continue;
            }
            if (!_quantumGiven)
            {
                queue.Deficit += queue.Quantum;
                _quantumGiven = true;
            }
            if (PeekLength(c) <= queue.Deficit)
            {
                return c;
            }
            NextTurn();
        }
    }

    private void NextTurn()
    {
        int next = _roundRobin + 1;
        _roundRobin = next == _strictFromClass ? 0 : next;
        _quantumGiven = false;
    }

    private int PeekLength(int trafficClass)
    {
        ref ClassQueue queue = ref _classes[trafficClass];
        return queue.Count == 0 ? 0 : queue.Slots[queue.Head & (queue.Slots.Length - 1)]!.Length;
    }

    private bool ShaperAllows(long now, int chosen)
    {
        if (now > _lastShaperUpdate)
        {
            _shaper.Fill((Int128)(now - _lastShaperUpdate) * _config.ShaperBytesPerSecond);
            _lastShaperUpdate = now;
        }
        return _shaper.Holds(PeekLength(chosen), _frequency);
    }
}
