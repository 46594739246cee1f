// Egress scheduling for one port: bounded per-class queues (a full queue tail-drops and counts),
// strict priority for the top classes, deficit weighted round robin (Shreedhar & Varghese) for the
// rest, and a token-bucket port shaper on top. Single-threaded: the forwarding thread enqueues and
// the transmitter's turn on the same thread dequeues. A bitmask of non-empty classes keeps the
// common case (one busy class, no shaper) to a ring dequeue.
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Qos;

public sealed class EgressScheduler
{
    private readonly FrameRing[] _queues = new FrameRing[EgressSchedulerConfig.Classes];
    private readonly long[] _queuedBytes = new long[EgressSchedulerConfig.Classes];
    private readonly long[] _deficits = new long[EgressSchedulerConfig.Classes];
    private readonly long[] _tailDrops = new long[EgressSchedulerConfig.Classes];
    private readonly TimeProvider? _time;
    private readonly long _frequency;
    private EgressSchedulerConfig _config;
    private int _depthFrames;
    private uint _occupied;             // bit c: class c has frames queued
    private uint _strictMask;           // bits of the strict classes
    private TokenBucket _shaper;
    private long _lastShaperUpdate;
    private int _roundRobin;            // the DWRR class whose turn it is
    private bool _quantumGiven;         // whether that class got its quantum for this turn

    /// <summary>A scheduler on explicit timestamps (<see cref="TryDequeue(long, out FrameBuffer?)"/>).</summary>
    public EgressScheduler(EgressSchedulerConfig config, long now, long frequency, int ringCapacity = 1_024)
    {
        _frequency = frequency;
        for (int i = 0; i < _queues.Length; i++)
        {
            _queues[i] = new FrameRing(ringCapacity);
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
    public long TailDrops(int trafficClass) => _tailDrops[trafficClass];
    public int QueuedFrames(int trafficClass) => _queues[trafficClass].Count;
    public long QueuedBytes(int trafficClass) => _queuedBytes[trafficClass];

    /// <summary>Frames queued in all classes.</summary>
    public int Count
    {
        get
        {
            int count = 0;
            foreach (FrameRing queue in _queues)
            {
                count += queue.Count;
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
        _depthFrames = Math.Min(config.QueueDepthFrames, _queues[0].Capacity);
        _strictMask = (uint)((1 << EgressSchedulerConfig.Classes) - (1 << config.StrictFromClass));
        _shaper = new TokenBucket(config.ShaperBurstBytes, _frequency);
        _lastShaperUpdate = now;
        _roundRobin = 0;
        _quantumGiven = false;
        Array.Clear(_deficits);
    }

    /// <summary>Queues a frame in its class; false (tail drop, counted) when the queue is full in frames or bytes.</summary>
    public bool TryEnqueue(FrameBuffer frame, int trafficClass)
    {
        FrameRing queue = _queues[trafficClass];
        if (queue.Count >= _depthFrames || _queuedBytes[trafficClass] + frame.Length > _config.QueueDepthBytes || !queue.TryEnqueue(frame))
        {
            _tailDrops[trafficClass]++;
            return false;
        }
        _queuedBytes[trafficClass] += frame.Length;
        _occupied |= 1u << trafficClass;
        return true;
    }

    /// <summary>The next frame to transmit now (by the scheduler's clock), or false when nothing may go.</summary>
    public bool TryDequeue([NotNullWhen(true)] out FrameBuffer? frame)
    {
        long now = _config.ShaperBytesPerSecond > 0 && _time is not null ? _time.GetTimestamp() : _lastShaperUpdate;
        return TryDequeue(now, out frame);
    }

    /// <summary>The next frame to transmit at <paramref name="now"/>, or false when nothing is queued or the shaper says wait.</summary>
    public bool TryDequeue(long now, [NotNullWhen(true)] out FrameBuffer? frame)
    {
        frame = null;
        if (_occupied == 0)
        {
            return false;
        }
        bool shaped = _config.ShaperBytesPerSecond > 0;
        int chosen;
        bool arbitrated = (_occupied & (_occupied - 1)) != 0 || shaped;
        if (!arbitrated)
        {
            chosen = BitOperations.TrailingZeroCount(_occupied);   // one busy class: nothing to arbitrate
            _deficits[chosen] = 0;
        }
        else
        {
            chosen = Choose();
            if (shaped && !ShaperAllows(now, chosen))
            {
                return false;
            }
        }
        FrameRing queue = _queues[chosen];
        queue.TryDequeue(out frame);
        _queuedBytes[chosen] -= frame!.Length;
        if (queue.IsEmpty)
        {
            _occupied &= ~(1u << chosen);
        }
        if (arbitrated && chosen < _config.StrictFromClass)
        {
            _deficits[chosen] -= frame.Length;
        }
        if (shaped)
        {
            _shaper.Take(frame.Length, _frequency);
        }
        return true;
    }

    /// <summary>The class to send from next: strict classes highest first, else the DWRR turn.</summary>
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
            if ((_occupied & (1u << c)) == 0)
            {
                _deficits[c] = 0;   // an idle class keeps no credit (DRR)
                NextTurn();
                continue;
            }
            if (!_quantumGiven)
            {
                _deficits[c] += (long)_config.Weights[c] * _config.QuantumBytes;
                _quantumGiven = true;
            }
            if (PeekLength(c) <= _deficits[c])
            {
                return c;
            }
            NextTurn();
        }
    }

    private void NextTurn()
    {
        _roundRobin = (_roundRobin + 1) % _config.StrictFromClass;
        _quantumGiven = false;
    }

    private int PeekLength(int trafficClass) => _queues[trafficClass].TryPeek(out FrameBuffer? head) ? head.Length : 0;

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
