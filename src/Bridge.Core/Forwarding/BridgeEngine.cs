// The bridge engine: takes batches of received frames, returns them on per-port egress rings and a
// control-plane ring, and counts everything in between. No I/O, no threads, no clock of its own.
using System.Runtime.CompilerServices;
using Hairpin.Bridge.Core.Capture;
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Counters;
using Hairpin.Bridge.Core.Fdb;
using Hairpin.Bridge.Core.Flows;
using Hairpin.Bridge.Core.Forwarding.Stages;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Bridge.Core.Headers;
using Hairpin.Bridge.Core.Mirroring;
using Hairpin.Bridge.Core.Qos;

namespace Hairpin.Bridge.Core.Forwarding;

/// <summary>
/// One 802.1Q bridge with per-port reflective relay.
/// Threading: <see cref="ProcessBatch"/>, the control-path calls between batches (<see cref="SweepFdb"/>,
/// <see cref="RunProtectionTimers"/>, <see cref="EmitLoopProbes"/>), the FDB and the rings belong to one
/// forwarding thread. <see cref="Publish"/> may be called from any thread: the new configuration is
/// validated on the caller's thread and takes effect at the start of the next batch, so every frame
/// is handled wholly under one configuration.
/// </summary>
public sealed partial class BridgeEngine
{
    private readonly FramePool _pool;
    private readonly TimeProvider _time;
    private readonly long _frequency;   // a provider's timestamp frequency never changes: read it once
    private readonly BridgeEngineOptions _options;
    private readonly FdbTable _fdb;
    private readonly PortCounters[] _counters = new PortCounters[BridgeConfig.MaxPorts];
    private ForwardingPlan _plan;
    private ForwardingPlan? _pendingPlan;
    private readonly LinkLocalTrapStage _linkLocalTrap;
    private readonly LearningStage _learning;
    private readonly DeferredLearns _deferredLearns = new();
    private readonly EnqueueStage _enqueue;
    private readonly FanOutStage _fanOut;
    private readonly CaptureTaps _captures = new();
    private readonly MirrorTaps _mirrors = new();

    public BridgeEngine(BridgeConfig config, FramePool pool, TimeProvider time, BridgeEngineOptions? options = null)
    {
        _pool = pool;
        _time = time;
        _frequency = time.TimestampFrequency;
        _options = options ?? new BridgeEngineOptions();
        _plan = ForwardingPlan.Compile(config, _options, _frequency);
        _fdb = new FdbTable(_options.FdbCapacity, _options.MaxStaticEntries);
        _learning = new LearningStage(_fdb);
        var egress = new EgressScheduler[BridgeConfig.MaxPorts];
        for (int i = 0; i < BridgeConfig.MaxPorts; i++)
        {
            egress[i] = new EgressScheduler(i < config.Ports.Count ? config.Ports[i].Qos.Scheduler : new EgressSchedulerConfig(), time, _options.EgressQueueCapacity);
            _counters[i] = new PortCounters();
        }
        _linkLocalTrap = new LinkLocalTrapStage(_options.ControlPlaneQueueCapacity);
        _enqueue = new EnqueueStage(egress, _counters, pool, _captures, _mirrors);
        _mirrors.Stage = new MirrorStage(pool, _enqueue, _counters);
        _fanOut = new FanOutStage(pool, _enqueue, this);
        BridgeAddress = _options.BridgeAddress ?? new MacAddress(0x02_00_00_00_00_00UL | (ulong)Random.Shared.NextInt64(1, 1L << 40));
        InstallSecureMacs(previous: null, _plan);
        InstallVsiBindings(previous: null, _plan);
        AdoptVsiCounters(_plan);
        CountVms(config.VmCounters);
    }

    /// <summary>The configuration frames are (or, after a pending publish, will next be) forwarded under.</summary>
    public BridgeConfig Config => (Volatile.Read(ref _pendingPlan) ?? _plan).Config;

    public FdbTable Fdb => _fdb;
    public FramePool Pool => _pool;
    public BridgeEngineOptions Options => _options;

    /// <summary>
    /// Frames waiting to leave by <paramref name="port"/>, in eight class queues; the transmitter takes
    /// them with TryDequeue when its link can send (the scheduler picks the class) and returns the
    /// buffers to the pool.
    /// </summary>
    public EgressScheduler Egress(int port) => _enqueue.Queues[port];

    /// <summary>Link-local frames trapped for the control plane (LLDP, BPDUs, EVB/ECP/VDP).</summary>
    public FrameRing ControlPlane => _linkLocalTrap.ControlPlane;

    public PortCounters Counters(int port) => _counters[port];

    /// <summary>Frames whose ingress port index names no configured port (a Host bug, never a user error).</summary>
    public long UnknownIngressPortFrames { get; private set; }

    /// <summary>
    /// Validates and compiles <paramref name="config"/> and queues it for the next batch. An invalid one
    /// throws <see cref="InvalidBridgeConfigException"/> and the running configuration stays.
    /// </summary>
    public void Publish(BridgeConfig config)
    {
        // The newest plan is what the ACLs are kept from (a pending one holds the running plan's kept ACLs, or newer).
        var plan = ForwardingPlan.Compile(config, _options, _frequency, Volatile.Read(ref _pendingPlan) ?? Volatile.Read(ref _plan));
        Volatile.Write(ref _pendingPlan, plan);
    }

    /// <summary>
    /// Forwards a batch. The engine takes ownership of every buffer: each ends on an egress ring, on the
    /// control-plane ring, or back in the pool (a counted drop).
    /// </summary>
    public void ProcessBatch(ReadOnlySpan<FrameBuffer> frames)
    {
        // A flow monitor needs each frame's egress ports, which only the reporting path writes down.
        if (RefreshFlowMonitor() is null)
        {
            RunBatch<LiveMode>(frames, []);
        }
        else
        {
            RunBatch<ReportingMode>(frames, []);
        }
    }

    /// <summary>
    /// Forwards a batch as <see cref="ProcessBatch(ReadOnlySpan{FrameBuffer})"/> does and writes each
    /// frame's disposition (the ports it was queued on, the control plane, or its drop reason) at the
    /// same index of <paramref name="dispositions"/>, which may be shorter (frames beyond it go unreported).
    /// </summary>
    public void ProcessBatch(ReadOnlySpan<FrameBuffer> frames, Span<FrameDisposition> dispositions)
    {
        RefreshFlowMonitor();
        RunBatch<ReportingMode>(frames, dispositions);
    }

    private void RunBatch<TMode>(ReadOnlySpan<FrameBuffer> frames, Span<FrameDisposition> dispositions)
        where TMode : struct, IReceiveMode
    {
        ApplyPendingPlan();
        ForwardingPlan plan = _plan;
        long timestamp = _time.GetTimestamp();
        uint second = (uint)(timestamp / _frequency);
        FrameContext context = default;   // one per batch, reset per frame by Begin
        context.StartBatch(timestamp, second);
        _captures.Refresh();
        RefreshMirrors(plan, timestamp);
        ulong capturedInbound = _captures.InboundPorts | _mirrors.InboundPorts;
        _enqueue.CapturedPorts = _captures.OutboundPorts | _mirrors.OutboundPorts;
        HostTrafficTable? hosts = _hostTraffic;
        bool tapping = capturedInbound != 0 || _flowMonitor is not null;   // the flow monitor is set for this batch by ProcessBatch
        if (!TMode.Tracing && !TMode.Reports && !tapping && hosts is null && _enqueue.CapturedPorts == 0 && StartsOnPlainPort(frames, plan))
        {
            RunPlainBatch(frames, plan, ref context);   // nothing to see or count beside forwarding: the known-unicast fast path applies
        }
        else if (!TMode.Tracing && !TMode.Reports && !tapping && hosts is null && _enqueue.CapturedPorts == 0 && StartsOnPolicyPort(frames, plan))
        {
            RunPolicyBatch(frames, plan, ref context);   // the same, from a port with an ingress ACL or QoS: the policy fast path applies
        }
        else
        {
            for (int i = 0; i < frames.Length; i++)
            {
                context.Begin(frames[i]);
                // A captured or flow-monitored frame is read as it arrives; its disposition then tells the
                // capture its drop reason and the flow its fate. With neither running, a frame pays one test.
                bool tapped = tapping && TapInbound(ref context, plan);
                if (TMode.Reports || tapped || hosts is not null)
                {
                    context.BeginDisposition();
                }
                if (hosts is null)
                {
                    Receive<TMode>(ref context, plan);
                }
                else
                {
                    ReceiveCountingHost<TMode>(ref context, plan, hosts);
                }
                if (tapped)
                {
                    FinishTaps(ref context, plan);
                }
                if (TMode.Reports && i < dispositions.Length)
                {
                    dispositions[i] = context.Disposition;
                }
            }
        }
        if (_captures.Running)
        {
            _captures.Commit();
        }
        if (_mirrors.HasRings)
        {
            _mirrors.Commit();
        }
    }

    /// <summary>Removes learned entries idle longer than the ageing time. Run it off the per-frame path, e.g. once a second.</summary>
    public int SweepFdb()
    {
        ApplyPendingPlan();
        uint now = CurrentSecond();
        _hostTraffic?.AgeOut(now, _plan.AgeingSeconds);
        return _fdb.AgeOut(now, _plan.AgeingSeconds);
    }

    /// <summary>Adds an operator entry (`fdb add ... static|sticky`) stamped with the engine's clock.</summary>
    public bool AddFdbEntry(int vid, MacAddress mac, int port, FdbEntryKind kind) =>
        _fdb.AddPermanent(vid, mac, port, kind, CurrentSecond());

    /// <summary>The engine's clock in whole seconds (what FDB entries' LastSeenSecond is measured in).</summary>
    public uint ClockSecond => CurrentSecond();

    /// <summary>The FDB's clock: whole seconds of the TimeProvider's timestamp, read once per batch.</summary>
    private uint CurrentSecond() => (uint)(_time.GetTimestamp() / _frequency);

    private void ApplyPendingPlan()
    {
        ForwardingPlan? pending = Interlocked.Exchange(ref _pendingPlan, null);
        if (pending is not null)
        {
            SwitchTo(pending);
        }
    }

    // Out of line: its lambda's closure would otherwise be allocated on every batch, change or not.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SwitchTo(ForwardingPlan pending)
    {
        ForwardingPlan previous = _plan;
        _plan = pending;
        InstallSecureMacs(previous, pending);
        InstallVsiBindings(previous, pending);
        AdoptVsiCounters(pending);
        KeepUnchangedPolicers(previous, pending);
        KeepNamedCounters(previous, pending);
        ReconfigureSchedulers(pending);
        CountVms(pending.Config.VmCounters);
        // Entries that can no longer be right (port gone or disabled, VLAN removed from the port) go now,
        // as Linux does on port disable and VLAN delete, so traffic floods instead of vanishing.
        _fdb.RemoveWhere((port, vid) => port >= pending.PortCount
            || pending.Ports[port].State == PortState.Disabled
            || !pending.IsMember(port, vid));
    }

    /// <summary>A policer whose settings did not change keeps its buckets and counters across a publish.</summary>
    private static void KeepUnchangedPolicers(ForwardingPlan previous, ForwardingPlan next)
    {
        for (int i = 0; i < next.Policers.Length; i++)
        {
            Policer? old = Array.Find(previous.Policers, policer => policer.Config == next.Policers[i].Config);
            if (old is not null)
            {
                next.Policers[i] = old;
            }
        }
    }

    /// <summary>A named counter (an ACL rule's `count:`) keeps its totals across a publish while some rule still names it.</summary>
    private static void KeepNamedCounters(ForwardingPlan previous, ForwardingPlan next)
    {
        for (int i = 0; i < next.CounterNames.Length; i++)
        {
            int old = Array.IndexOf(previous.CounterNames, next.CounterNames[i]);
            if (old >= 0)
            {
                next.CounterFrames[i] = previous.CounterFrames[old];
                next.CounterBytes[i] = previous.CounterBytes[old];
            }
        }
    }

    private void ReconfigureSchedulers(ForwardingPlan next)
    {
        for (int port = 0; port < next.PortCount; port++)
        {
            EgressSchedulerConfig wanted = next.Config.Ports[port].Qos.Scheduler;
            if (!_enqueue.Queues[port].Config.SameAs(wanted))
            {
                _enqueue.Queues[port].Configure(wanted, _time.GetTimestamp());
            }
        }
    }

    /// <summary>
    /// A port whose port-security settings changed starts afresh: its entries go (static ones too) and
    /// its allowed MACs are installed as static entries, so traffic to them goes there at once.
    /// </summary>
    private void InstallSecureMacs(ForwardingPlan? previous, ForwardingPlan next)
    {
        uint now = CurrentSecond();
        for (int port = 0; port < next.PortCount; port++)
        {
            PortSecurity security = next.Config.Ports[port].Security;
            bool unchanged = previous is not null && port < previous.PortCount && previous.Config.Ports[port].Security == security;
            if (unchanged)
            {
                continue;
            }
            if (previous is not null)
            {
                _fdb.Flush(port: port, includeStatic: true);
            }
            foreach (SecureMac secure in security.Enabled ? security.AllowedMacs : [])
            {
                _fdb.AddPermanent(secure.Vid == 0 ? next.Ports[port].Pvid : secure.Vid, secure.Mac, port, FdbEntryKind.Static, now);
            }
        }
    }
}
