// Egress scheduling for one port: bounded per-class queues (a full queue tail-drops and counts),
// strict priority for the top classes, deficit weighted round robin (Shreedhar & Varghese) for the
// rest, and a token-bucket port shaper on top. Time comes from the caller. Single-threaded: the
// forwarding thread enqueues and the transmitter's turn on the same thread dequeues.
using Hairpin.Bridge.Core.Frames;

namespace Hairpin.Bridge.Core.Qos;

public sealed class EgressScheduler
{
    private readonly EgressSchedulerConfig _config;
    private readonly FrameRing[] _queues = new FrameRing[EgressSchedulerConfig.Classes];
    private readonly long[] _queuedBytes = new long[EgressSchedulerConfig.Classes];
    private readonly long[] _deficits = new long[EgressSchedulerConfig.Classes];
    private readonly long[] _tailDrops = new long[EgressSchedulerConfig.Classes];
    private readonly long _frequency;
    private TokenBucket _shaper;
    private long _lastShaperUpdate;
    private int _roundRobin;            // the DWRR class whose turn it is
    private bool _quantumGiven;         // whether that class got its quantum for this turn

    public EgressScheduler(EgressSchedulerConfig config, long now, long frequency)
    {
        if (config.Weights.Count != EgressSchedulerConfig.Classes || config.Weights.Any(w => w < 1))
        {
            throw new ArgumentException("eight DWRR weights of at least 1 are needed", nameof(config));
        }
        _config = config;
        _frequency = frequency;
        for (int i = 0; i < _queues.Length; i++)
        {
            _queues[i] = new FrameRing(config.QueueDepthFrames);
        }
        _shaper = new TokenBucket(config.ShaperBurstBytes, frequency);
        _lastShaperUpdate = now;
    }

    public long TailDrops(int trafficClass) => _tailDrops[trafficClass];
    public int QueuedFrames(int trafficClass) => _queues[trafficClass].Count;

    /// <summary>Queues a frame in its class; false (tail drop, counted) when the queue is full in frames or bytes.</summary>
    public bool TryEnqueue(FrameBuffer frame, int trafficClass)
    {
        if (_queuedBytes[trafficClass] + frame.Length > _config.QueueDepthBytes || !_queues[trafficClass].TryEnqueue(frame))
        {
            _tailDrops[trafficClass]++;
            return false;
        }
        _queuedBytes[trafficClass] += frame.Length;
        return true;
    }

    /// <summary>The next frame to transmit at <paramref name="now"/>, or false when nothing is queued or the shaper says wait.</summary>
    public bool TryDequeue(long now, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FrameBuffer? frame)
    {
        frame = null;
        int chosen = Choose();
        if (chosen < 0 || !ShaperAllows(now, chosen))
        {
            return false;
        }
        _queues[chosen].TryDequeue(out frame);
        _queuedBytes[chosen] -= frame!.Length;
        if (chosen < _config.StrictFromClass)
        {
            _deficits[chosen] -= frame.Length;
        }
        if (_config.ShaperBytesPerSecond > 0)
        {
            _shaper.Take(frame.Length, _frequency);
        }
        return true;
    }

    /// <summary>The class to send from next: strict classes highest first, else the DWRR turn.</summary>
    private int Choose()
    {
        for (int c = EgressSchedulerConfig.Classes - 1; c >= _config.StrictFromClass; c--)
        {
            if (!_queues[c].IsEmpty)
            {
                return c;
            }
        }
        if (!AnyQueued(0, _config.StrictFromClass))
        {
            return -1;
        }
        while (true)
        {
            int c = _roundRobin;
            if (_queues[c].IsEmpty)
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

    private bool AnyQueued(int fromClass, int toClassExclusive)
    {
        for (int c = fromClass; c < toClassExclusive; c++)
        {
            if (!_queues[c].IsEmpty)
            {
                return true;
            }
        }
        return false;
    }

    private void NextTurn()
    {
        _roundRobin = (_roundRobin + 1) % _config.StrictFromClass;
        _quantumGiven = false;
    }

    private int PeekLength(int trafficClass) => _queues[trafficClass].TryPeek(out FrameBuffer? head) ? head.Length : 0;

    private bool ShaperAllows(long now, int chosen)
    {
        if (_config.ShaperBytesPerSecond <= 0)
        {
            return true;
        }
        if (now > _lastShaperUpdate)
        {
            _shaper.Fill((Int128)(now - _lastShaperUpdate) * _config.ShaperBytesPerSecond);
            _lastShaperUpdate = now;
        }
        return _shaper.Holds(PeekLength(chosen), _frequency);
    }
}
