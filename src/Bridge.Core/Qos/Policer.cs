// A configured meter on the forwarding path: an RFC 2697 or 2698 marker plus what to do with each
// color, and per-color frame and byte counters (what `hairpin stats` shows for a policer).
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Configuration;

namespace Hairpin.Bridge.Core.Qos;

public sealed class Policer
{
    private readonly SingleRateMeter? _singleRate;
    private readonly TwoRateMeter? _twoRate;
    private readonly long[] _counts = new long[6];   // per color: frames at 2c, bytes at 2c + 1 (one bounds check a frame)
    private readonly bool _colorAware;
    private readonly byte _passingColors;   // bit per color whose action is a plain pass: one test on the data path   // read per frame: a field, not a property of the configuration record

    public Policer(MeterConfig config, long now, long frequency)
    {
        Config = config;
        long cir = config.CommittedRateBitsPerSecond / 8;
        if (config.Kind == MeterKind.TwoRate)
        {
            _twoRate = new TwoRateMeter(config.PeakRateBitsPerSecond / 8, config.PeakBurstBytes, cir, config.CommittedBurstBytes, now, frequency);
        }
        else
        {
            _singleRate = new SingleRateMeter(cir, config.CommittedBurstBytes, config.ExcessBurstBytes, now, frequency);
        }
        _colorAware = config.ColorAware;
        Green = config.Green;
        Yellow = config.Yellow;
        Red = config.Red;
        _passingColors = (byte)((Green.Kind == ColorActionKind.Pass ? 1 << (int)MeterColor.Green : 0)
            | (Yellow.Kind == ColorActionKind.Pass ? 1 << (int)MeterColor.Yellow : 0)
            | (Red.Kind == ColorActionKind.Pass ? 1 << (int)MeterColor.Red : 0));
        GreenPassMeter = Green.Kind == ColorActionKind.Pass ? _singleRate : null;
    }

    public MeterConfig Config { get; }

    /// <summary>
    /// The single-rate meter when a frame that comes to it green and leaves green passes untouched
    /// (color-blind, or color-aware with a green precolor; green's action a plain pass): the policy
    /// fast path's run meters such frames itself (<see cref="SingleRateMeter.GreenBudget"/>,
    /// <see cref="CountGreen"/>); null for any other meter, whose frames take the per-frame path.
    /// </summary>
    internal SingleRateMeter? GreenPassMeter { get; }
    internal ColorAction Green { get; }
    internal ColorAction Yellow { get; }
    internal ColorAction Red { get; }

    public long Frames(MeterColor color) => _counts[2 * (int)color];
    public long Bytes(MeterColor color) => _counts[(2 * (int)color) + 1];

    /// <summary>Colors one frame (color-blind unless the meter is configured color-aware) and counts it.</summary>
    internal MeterColor Mark(int bytes, long now, MeterColor precolor)
    {
        MeterColor start = _colorAware ? precolor : MeterColor.Green;
        MeterColor color = _singleRate is not null ? _singleRate.Mark(bytes, now, start) : _twoRate!.Mark(bytes, now, start);
        ref long frames = ref _counts[2 * (int)color];
        frames++;
        Unsafe.Add(ref frames, 1) += bytes;   // in bounds: a pair per color
        return color;
    }

    /// <summary>Mark's counts of <paramref name="frames"/> frames of <paramref name="bytes"/> bytes in all that it marked green (the policy fast path's run meters them itself).</summary>
    internal void CountGreen(long frames, long bytes)
    {
        _counts[2 * (int)MeterColor.Green] += frames;
        _counts[(2 * (int)MeterColor.Green) + 1] += bytes;
    }

    /// <summary>Whether a frame of <paramref name="precolor"/> starts green at this meter (color-blind meters start every frame green).</summary>
    internal bool StartsGreen(MeterColor precolor) => !_colorAware || precolor == MeterColor.Green;

    /// <summary>Whether <paramref name="color"/>'s action is a plain pass (no remark, no drop).</summary>
    internal bool Passes(MeterColor color) => (_passingColors & (1 << (int)color)) != 0;

    internal ColorAction ActionFor(MeterColor color) => color switch
    {
        MeterColor.Green => Green,
        MeterColor.Yellow => Yellow,
        _ => Red,
    };
}
