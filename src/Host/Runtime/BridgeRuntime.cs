// The running appliance: the engine, one transport and one pair of queues per port, and the
// forwarding thread between them. Live changes (link set, reload) are published to the engine from
// the caller's thread (Publish is thread-safe and takes effect at the next batch, losing no frame);
// everything else that touches the engine runs on the forwarding thread via OnForwardingThread.
using Hairpin.Bridge.Core.Configuration;
using Hairpin.Bridge.Core.Forwarding;
using Hairpin.Bridge.Core.Frames;
using Hairpin.Host.Configuration;
using Hairpin.Host.Flows;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Mvrp;
using Hairpin.Host.Qbg;
using Hairpin.Host.Qbg.Store;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;

namespace Hairpin.Host.Runtime;

public sealed partial class BridgeRuntime : IAsyncDisposable
{
    private const int SlotsPerQueue = 1024;
    private const int SlotSize = 2048;

    private readonly CancellationTokenSource _stop = new();
    private readonly PortReadiness _readiness = PortReadiness.Create();
    private readonly ForwardingThreadWork _work;
    private readonly EngineStage _stage;
    private readonly ForwardingLoop _loop;
    private readonly IPortTransport[] _transports;
    private readonly Task[] _transportTasks;
    private readonly Lock _configLock = new();
    private readonly ILogger _log;
    private HostConfig _config;
    private QbgState _qbg = QbgState.None;
    private MvrpState _mvrp = MvrpState.None;
    private int _started;

    private BridgeRuntime(HostConfig config, ILoggerFactory logs, Func<AttachSpec, IPortTransport> transports, TimeProvider time, IVsiStore? store)
    {
        _config = config;
        Time = time;
        _log = logs.CreateLogger("hairpin.bridge");
        var pool = new FramePool(8192);
        Engine = new BridgeEngine(Overlaid(config, _qbg, _mvrp), pool, time,
            new BridgeEngineOptions { BridgeAddress = BridgeIdentity.AddressFor(config.SourceFile) });
        ILogger links = logs.CreateLogger("hairpin.link");
        PortQueues[] ports = [.. config.Attachments.Select(attachment =>
            new PortQueues(attachment.Port, SlotsPerQueue, SlotSize, _readiness.Wake, new LinkEventLog(links, attachment.Port, attachment.Attach)))];
        Ports = ports;
        _work = new ForwardingThreadWork(_readiness.Wake);
        Qbg = new QbgPlane(config, Engine.BridgeAddress, () => Config, (port, frame) => ports[port].Send(frame), PublishQbg, logs.CreateLogger("hairpin.qbg"),
            store, PostToForwardingThread, () => ControlTime)
        {
            LocalCounters = vsi => Engine.VsiCounters(vsi)?.Snapshot(),
        };
        VsiStore = store;
        if (config.Mvrp is not null)
        {
            Mvrp = new MvrpPlane(config, Engine.BridgeAddress, () => Config, (port, frame) => ports[port].Send(frame), PublishMvrp, logs.CreateLogger("hairpin.mvrp"), new Random())
            {
                FlushLearnedInVlan = Engine.FlushLearnedInVlan,   // the plane runs on the forwarding thread, where the engine may be touched
            };
        }
        if (config.FlowExport is { } flowExport)
        {
            FlowExport = new FlowExporter(flowExport, time, logs.CreateLogger("hairpin.flows"));
            Engine.SetFlowMonitor(FlowExport.Monitor);
        }
        // The forwarding thread reads and writes device ports itself.
        _stage = new EngineStage(Engine, ports, time, logs.CreateLogger("hairpin.forwarding"), Qbg, FlowExport?.Monitor, Mvrp);
        _loop = _stage.CreateLoop(new PortIo(_readiness, ports), logs.CreateLogger("hairpin.forwarding"), _work);
        _transports = [.. config.Attachments.Select(attachment => transports(attachment.Attach))];
        Monitors = new Monitoring.MonitorService(Engine, () => Config,
            () => _work.Run(() => Qbg.Vsis(ControlTime, _ => VsiTraffic.Of(Bridge.Core.Counters.VsiCountersSnapshot.Empty))), time, logs.CreateLogger("hairpin.monitor"));
        Monitors.ApplyFile(config.MonitorSessions);
        _transportTasks = new Task[_transports.Length];
    }

    /// <summary>The mirroring sessions (`monitor_sessions:`, `hairpin monitor`).</summary>
    internal Monitoring.MonitorService Monitors { get; }

    /// <summary>The engine. Touch it only through <see cref="OnForwardingThread"/>, except Publish and reading counters.</summary>
    internal BridgeEngine Engine { get; }
    /// <summary>Each port's queues, link state and host counters (<see cref="PortQueues.Counters"/>).</summary>
    public IReadOnlyList<PortQueues> Ports { get; }
    public HostConfig Config => Volatile.Read(ref _config);
    /// <summary>Reloads applied and refused, whichever way they were asked for.</summary>
    public ReloadCounters Reloads { get; } = new();
    public long ControlPlaneFrames => _stage.ControlPlaneFrames;
    /// <summary>The 802.1Qbg bridge role of the `evb:` ports. Forwarding thread only (<see cref="OnForwardingThread"/>).</summary>
    internal QbgPlane Qbg { get; }
    /// <summary>MVRP on the `mvrp:` ports; null when none runs it. Forwarding thread only (<see cref="OnForwardingThread"/>).</summary>
    internal MvrpPlane? Mvrp { get; }
    /// <summary>IPFIX flow export (`flow_export:`), or null when the file has none.</summary>
    public FlowExporter? FlowExport { get; }
    /// <summary>The engine's clock (its timestamps are this provider's).</summary>
    internal TimeProvider Time { get; }
    /// <summary>Live captures running on the engine (`hairpin capture`).</summary>
    internal CaptureRegistry Captures { get; } = new();
    /// <summary>The control plane's time: what every protocol timer is measured in.</summary>
    internal TimeSpan ControlTime => _stage.Now;

    public static BridgeRuntime Start(HostConfig config, ILoggerFactory logs, Func<AttachSpec, IPortTransport> transports, TimeProvider? time = null)
    {
        BridgeRuntime runtime = Create(config, logs, transports, time);
        runtime.StartForwarding();
        return runtime;
    }

    /// <summary>
    /// The runtime with its engine, queues and transports made but nothing forwarding yet, so the
    /// appliance can bring up what may still refuse to start (management socket, metrics endpoint)
    /// before the first frame moves; then <see cref="StartForwarding"/>.
    /// </summary>
    /// <param name="store">Where the 802.1Qbg plane owns its VSIs and keeps their counters; call <see cref="RestoreFromStoreAsync"/> before forwarding.</param>
    public static BridgeRuntime Create(HostConfig config, ILoggerFactory logs, Func<AttachSpec, IPortTransport> transports, TimeProvider? time = null, IVsiStore? store = null) =>
        new(config, logs, transports, time ?? TimeProvider.System, store);

    /// <summary>Starts the forwarding thread and every port's transport; once.</summary>
    public void StartForwarding()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the bridge is forwarding already");
        }
        FlowExport?.Start();
        _loop.Start("hairpin-forwarding", raisePriority: true, _stop.Token);   // ahead of ordinary work, as the kernel's own bridge is
        if (Mvrp is MvrpPlane mvrp)
        {
            _ = _work.Run(() =>
            {
                mvrp.Start(ControlTime);
                mvrp.Need(MvrpNeeds.Of(Config, Qbg.Published.Associations), ControlTime);   // the VSIs restored from the store, and the static VLANs if asked
                return true;
            });
        }
        for (int i = 0; i < _transports.Length; i++)
        {
            IPortTransport transport = _transports[i];
            PortQueues queues = Ports[i];
            _transportTasks[i] = Task.Run(() => transport.RunAsync(queues, _stop.Token));
        }
        Monitors.Start();
        HostConfig config = Config;
        string attachments = string.Join(", ", config.Attachments.Select(a => $"{a.Port}={a.Attach.Describe()}"));
        LogStarted(config.SourceFile, attachments);
    }

    /// <summary>Runs <paramref name="work"/> on the forwarding thread, between batches.</summary>
    public Task<T> OnForwardingThread<T>(Func<BridgeEngine, T> work) => _work.Run(() => work(Engine));

    public int PortIndex(string name) => Config.Bridge.IndexOf(name);

    /// <summary>
    /// Changes one port's engine settings live (in force from the next batch); kept until restart.
    /// <paramref name="prepare"/> (e.g. writing the change to the config file) gets the configuration
    /// about to run; if it throws, or the engine refuses, or its commit fails, nothing changed.
    /// </summary>
    public void ChangePort(string name, Func<PortConfig, PortConfig> change, Func<HostConfig, PreparedChange>? prepare = null)
    {
        lock (_configLock)
        {
            HostConfig current = Config;
            int index = current.Bridge.IndexOf(name);
            if (index < 0)
            {
                throw new ArgumentException($"no port named '{name}'", nameof(name));
            }
            PortConfig[] ports = [.. current.Bridge.Ports];
            ports[index] = change(ports[index]);
            HostConfig next = current with { Bridge = current.Bridge with { Ports = ports } };
            PublishWith(current, next, prepare?.Invoke(next) ?? PreparedChange.None);
        }
        _readiness.Wake();
    }

    /// <summary>
    /// Applies a newly loaded configuration. The ports and their attachments must be the ones running
    /// (a different port list needs a restart); anything else is published, together with what
    /// <paramref name="prepare"/> readies outside the engine (given the running and the next
    /// configuration). Throws with the reason, and then nothing changed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The ports or their attachments changed.</exception>
    public void Apply(HostConfig next, Func<HostConfig, HostConfig, PreparedChange>? prepare = null)
    {
        lock (_configLock)
        {
            HostConfig current = Config;
            if (!current.Attachments.SequenceEqual(next.Attachments))
            {
                throw new InvalidOperationException($"{next.SourceFile}: the ports or their attachments changed: restart the bridge to apply that (the running configuration is unchanged)");
            }
            if (!current.Evb.Select(evb => evb with { Hairpin = HairpinMode.Auto }).SequenceEqual(next.Evb.Select(evb => evb with { Hairpin = HairpinMode.Auto })))
            {
                throw new InvalidOperationException($"{next.SourceFile}: the evb: ports or their settings changed: restart the bridge to apply that (the running configuration is unchanged)");
            }
            if (!Equals(current.Mvrp, next.Mvrp))
            {
                throw new InvalidOperationException($"{next.SourceFile}: mvrp: (a port's or the bridge's) changed: restart the bridge to apply that (the running configuration is unchanged)");
            }
            if (!Equals(current.FlowExport, next.FlowExport))
            {
                throw new InvalidOperationException($"{next.SourceFile}: flow_export: changed: restart the bridge to apply that (the running configuration is unchanged)");
            }
            if (!Equals(current.Store, next.Store))
            {
                throw new InvalidOperationException($"{next.SourceFile}: store: changed (from {current.Store.Describe()} to {next.Store.Describe()}): restart the bridge to apply that (the running configuration is unchanged)");
            }
            next = WithSharedTypes(next);   // the store's types rule while the appliance shares them
            if (_sharedTypes is not null && VsiTypeCheck.Problems(next.VsiTypes, next) is { Count: > 0 } problems)
            {
                throw new InvalidOperationException($"{next.SourceFile}: the VSI store's types need what this file no longer has: {string.Join("; ", problems)} (the running configuration is unchanged)");
            }
            PublishWith(current, next, prepare?.Invoke(current, next) ?? PreparedChange.None);
        }
        Monitors.ApplyFile(Config.MonitorSessions);   // outside the lock the forwarding thread's 802.1Qbg publishes take
        // Associations made under the old types are asked again under the new ones (a type gone or changed).
        _ = _work.Run(() =>
        {
            Qbg.Revalidate(_stage.Now, () => Config);
            Mvrp?.Need(MvrpNeeds.Of(Config, Qbg.Published.Associations), _stage.Now);   // declare_static follows the new static VLANs
            return true;
        });
        _readiness.Wake();
    }

    /// <summary>
    /// Changes how an `evb:` port's hairpin is decided (`link set ... hairpin on|off|auto`), live and
    /// kept until restart: pinned on or off, or following the negotiation.
    /// </summary>
    public void ChangeHairpinMode(string name, HairpinMode mode, Func<HostConfig, PreparedChange>? prepare = null)
    {
        lock (_configLock)
        {
            HostConfig current = Config;
            int index = current.Evb.ToList().FindIndex(evb => evb.Port == name);
            if (index < 0)
            {
                throw new ArgumentException($"port {name} has no evb: its hairpin is on or off", nameof(name));
            }
            EvbPortConfig[] evbPorts = [.. current.Evb];
            evbPorts[index] = evbPorts[index] with { Hairpin = mode };
            int port = current.Bridge.IndexOf(name);
            PortConfig[] ports = [.. current.Bridge.Ports];
            ports[port] = ports[port] with { Hairpin = mode == HairpinMode.On };
            HostConfig next = current with { Evb = evbPorts, Bridge = current.Bridge with { Ports = ports } };
            PublishWith(current, next, prepare?.Invoke(next) ?? PreparedChange.None);
        }
        _readiness.Wake();
    }

    /// <summary>
    /// Forwarding thread (the control plane): publishes what negotiation and VDP decided, through the
    /// overlay on the running configuration. Refused by the engine, the previous state stays and this throws.
    /// </summary>
    private void PublishQbg(QbgState state)
    {
        lock (_configLock)
        {
            Engine.Publish(Overlaid(Config, state, _mvrp));
            _qbg = state;
        }
        Mvrp?.Need(MvrpNeeds.Of(Config, state.Associations), ControlTime);   // a VLAN a VM needs is declared upstream; the last VM's leaving withdraws it
    }

    /// <summary>Forwarding thread (MVRP): publishes the VIDs registered on the MVRP ports, through the overlay. Refused, the previous state stays and this throws.</summary>
    private void PublishMvrp(MvrpState state)
    {
        lock (_configLock)
        {
            Engine.Publish(Overlaid(Config, _qbg, state));
            _mvrp = state;
        }
    }

    /// <summary>The operator's configuration with what the control planes decided: 802.1Qbg's VSIs and relay, then MVRP's registrations.</summary>
    internal static BridgeConfig Overlaid(HostConfig config, QbgState qbg, MvrpState mvrp) =>
        MvrpOverlay.Apply(QbgOverlay.Apply(config, qbg.NegotiatedRelay, qbg.Associations), mvrp);

    /// <summary>Publishes <paramref name="next"/> and commits <paramref name="change"/> with it, or neither. Called under the config lock.</summary>
    private void PublishWith(HostConfig current, HostConfig next, PreparedChange change)
    {
        try
        {
            Engine.Publish(Overlaid(next, _qbg, _mvrp));   // throws InvalidBridgeConfigException and changes nothing if invalid
        }
        catch
        {
            change.Abandon();
            throw;
        }
        try
        {
            change.Commit();
        }
        catch
        {
            Engine.Publish(Overlaid(current, _qbg, _mvrp));   // it ran a moment ago: it publishes again
            change.Abandon();
            throw;
        }
        Volatile.Write(ref _config, next);
    }

    public async ValueTask DisposeAsync()
    {
        await Monitors.DisposeAsync().ConfigureAwait(false);
        await StopStoreAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        _readiness.Wake();
        if (Volatile.Read(ref _started) != 0)
        {
            await _loop.Ended.ConfigureAwait(false);
        }
        foreach (Task task in _transportTasks.Where(task => task is not null))
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
        }
        FlowExport?.Dispose();   // after the forwarding thread ended the flows still open: they are sent first
        foreach (IPortTransport transport in _transports)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }
        foreach (PortQueues queues in Ports)
        {
            queues.Dispose();
        }
        _readiness.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "bridge running from {File}: {Ports}")]
    private partial void LogStarted(string file, string ports);

}
