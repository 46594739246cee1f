// `hairpin capture` on the appliance (ICaptureControl): a capture session on the engine for one port,
// narrowed to a VSI (its MAC and VLAN), a MAC, a VLAN, a direction and a tcpdump-style filter, read
// by the CLI in chunks. Engine timestamps become wall-clock nanoseconds from one reading of both
// clocks at the start. Captures nobody reads expire (CaptureRegistry).
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Host.Management;

namespace Hairpin.Host.Runtime;

public sealed partial class BridgeControl
{
    private const int MaxSnapLength = 65_535;
    private const int MaxFramesPerRead = 4_096;

    public async Task<CaptureStarted> StartCaptureAsync(CaptureStartArgs args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ExpireAbandonedCaptures();
        int port = IndexOf(args.Port);
        (bool inbound, bool outbound) = args.Direction switch
        {
            "in" => (true, false),
            "out" => (false, true),
            "both" => (true, true),
            _ => throw new ManagementException($"direction \"{args.Direction}\": use in, out or both"),
        };
        if (args.SnapLength is < 64 or > MaxSnapLength)
        {
            throw new ManagementException($"snap length {args.SnapLength}: use 64 to {MaxSnapLength}");
        }
        if (args.Count < 0 || args.Bytes < 0)
        {
            throw new ManagementException("a capture's count and byte limits cannot be negative");
        }
        if (args.Vid is < 0 or > 4094)
        {
            throw new ManagementException($"vlan {args.Vid} is not a VLAN id (1-4094)");
        }
        MacAddress? mac = null;
        int vid = args.Vid;
        if (args.Mac is string text)
        {
            mac = MacAddress.TryParse(text, out MacAddress parsed) ? parsed : throw new ManagementException($"\"{text}\" is not a MAC address");
        }
        if (args.Vsi is string vsiId)
        {
            (MacAddress vsiMac, int vsiVid) = await VsiAddressAsync(vsiId.Trim(), args.Port, cancellationToken).ConfigureAwait(false);
            mac = vsiMac;
            vid = vid == 0 ? vsiVid : vid;
        }
        IFrameFilter? filter = CaptureFilters.Parse(args.Filter);
        var session = new CaptureSession(new CaptureSelector(port) { Inbound = inbound, Outbound = outbound, Mac = mac, Vid = vid, Filter = filter },
            snapLength: args.SnapLength, maxFrames: args.Count, maxBytes: args.Bytes);
        TimeProvider time = runtime.Time;
        long startTimestamp = time.GetTimestamp();
        long startUnixNanoseconds = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        if (!runtime.Engine.StartCapture(session))
        {
            throw new ManagementException($"{CaptureSession.MaxRunning} captures are running already; stop one first");
        }
        RunningCapture capture = runtime.Captures.Add(session, args.Port, startTimestamp, startUnixNanoseconds, startTimestamp);
        return new CaptureStarted(capture.Id, args.Port, args.SnapLength);
    }

    public Task<CaptureChunk> ReadCaptureAsync(CaptureReadArgs args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        RunningCapture capture = runtime.Captures.Find(args.Id) ?? throw new ManagementException($"no capture \"{args.Id}\" (stopped, or unread for {CaptureRegistry.ReaderPatience.TotalSeconds:0} s)");
        TimeProvider time = runtime.Time;
        Volatile.Write(ref capture.LastRead, time.GetTimestamp());
        int max = Math.Clamp(args.Max, 1, MaxFramesPerRead);
        var frames = new List<CapturedFrameInfo>();
        lock (capture.ReadGate)
        {
            CapturedFrame frame = capture.Reader;
            while (frames.Count < max && capture.Session.TryRead(frame))
            {
                long nanoseconds = capture.StartUnixNanoseconds + (long)((frame.Timestamp - capture.StartTimestamp) * (1e9 / time.TimestampFrequency));
                frames.Add(new CapturedFrameInfo(capture.Port, frame.Outbound, nanoseconds, frame.OriginalLength,
                    frame.Dropped is { } reason ? DropReasons.Name(reason) : null, frame.Bytes.ToArray()));
            }
        }
        return Task.FromResult(new CaptureChunk(frames, capture.Session.Lost, capture.Session.Completed));
    }

    public Task<CaptureStopped> StopCaptureAsync(CaptureStopArgs args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        RunningCapture capture = runtime.Captures.Find(args.Id) ?? throw new ManagementException($"no capture \"{args.Id}\"");
        runtime.Engine.StopCapture(capture.Session);
        runtime.Captures.Remove(args.Id);
        return Task.FromResult(new CaptureStopped(capture.Session.Captured, capture.Session.Lost));
    }

    private void ExpireAbandonedCaptures()
    {
        foreach (RunningCapture abandoned in runtime.Captures.Abandoned(runtime.Time.GetTimestamp(), runtime.Time.TimestampFrequency))
        {
            runtime.Engine.StopCapture(abandoned.Session);
            runtime.Captures.Remove(abandoned.Id);
        }
    }

    /// <summary>The MAC and VLAN of a VSI on <paramref name="port"/> (the first filter entry that names a MAC).</summary>
    private async Task<(MacAddress Mac, int Vid)> VsiAddressAsync(string vsiId, string port, CancellationToken cancellationToken)
    {
        IReadOnlyList<VsiInfo> vsis = await runtime.OnForwardingThread(_ => runtime.Qbg.Vsis(runtime.ControlTime, _ => TrafficOf(runtime.Engine, vsiId))).ConfigureAwait(false);
        VsiInfo vsi = vsis.FirstOrDefault(candidate => string.Equals(candidate.VsiId, vsiId, StringComparison.OrdinalIgnoreCase))
            ?? throw new ManagementException($"no VSI \"{vsiId}\" on this bridge");
        if (vsi.Port != port)
        {
            throw new ManagementException($"VSI \"{vsiId}\" is on port {vsi.Port}, not {port}");
        }
        VsiFilterInfo entry = vsi.Filter.FirstOrDefault(filter => filter.Mac is not null)
            ?? throw new ManagementException($"VSI \"{vsiId}\" names no MAC address; capture it by vlan instead");
        return (MacAddress.Parse(entry.Mac!), entry.Vid);
    }
}
