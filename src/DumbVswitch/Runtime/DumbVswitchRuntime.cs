// The running dumb vswitch: one PortQueues per port (uplink and each VM), one transport per port on
// its own task, and the shared forwarding loop's thread between them, reading and writing the device
// ports itself (PortIo: each port's copies of a batch leave together) and running the VEPA switch and
// the uplink's EVB station when configured (VepaStage). Runs
// until cancelled (SIGTERM, Ctrl-C), then stops the loop (the station de-associates and says goodbye
// while the transports still carry it) and the transports, and returns.
using Hairpin.Bridge.Core.Frames;
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Station;
using Hairpin.DumbVswitch.Vepa;
using Hairpin.Host.Forwarding;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging;

namespace Hairpin.DumbVswitch.Runtime;

/// <summary>
/// Lifecycle of one vswitch. <see cref="RunAsync"/> is called once; counters and link states may be
/// read from any thread meanwhile (a batch behind at most).
/// </summary>
public sealed class DumbVswitchRuntime : IDisposable
{
    /// <summary>Frames each queue holds (per direction, per port).</summary>
    public const int DefaultSlots = 1024;

    private readonly Func<AttachSpec, IPortTransport> _createTransport;
    private readonly ILogger _logger;
    private readonly PortReadiness _readiness;
    private readonly PortQueues[] _vms;
    private readonly int _slotSize;
    private int _started;

    /// <param name="createTransport">Makes the transport of one port (TransportFactory.Create in production, doubles in tests).</param>
    /// <param name="slotSize">Largest frame a port carries, tags included.</param>
    /// <param name="time">The station's clock (TimeProvider.System unless a test drives it).</param>
    /// <exception cref="ArgumentException">A VM list the switch cannot work with (see <see cref="VepaSwitch"/>).</exception>
    public DumbVswitchRuntime(DumbVswitchConfig config, Func<AttachSpec, IPortTransport> createTransport, ILogger logger,
        int slots = DefaultSlots, int slotSize = VepaSwitch.DefaultMaxFrameSize, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(createTransport);
        ArgumentNullException.ThrowIfNull(logger);
        Config = config;
        _createTransport = createTransport;
        _logger = logger;
        _slotSize = slotSize;
        Switch = new VepaSwitch(config.Vms, slotSize, evbStation: config.Evb is not null);
        _readiness = PortReadiness.Create();   // after the switch: a VM list it refuses leaves no descriptor behind
        Uplink = new PortQueues(VepaTables.UplinkName, slots, slotSize, _readiness.Wake, new LinkEventLog(logger, VepaTables.UplinkName, config.Uplink));
        _vms = [.. config.Vms.Select(vm => new PortQueues(vm.Name, slots, slotSize, _readiness.Wake, new LinkEventLog(logger, vm.Name, vm.Attach)))];
        if (config.Evb is StationConfig evb)
        {
            Station = new UplinkStation(evb, StationMac.Resolve(evb, config.Uplink), config.Vms, Switch, Uplink, _vms, time ?? TimeProvider.System, logger);
        }
    }

    public DumbVswitchConfig Config { get; }
    /// <summary>The data path, for its counters; only the forwarding thread may feed it frames.</summary>
    public VepaSwitch Switch { get; }
    public PortQueues Uplink { get; }
    public IReadOnlyList<PortQueues> Vms => _vms;
    /// <summary>The uplink's EVB station (`evb:`, or a VM's `vsi:`), or null; the forwarding thread runs it, others read its Snapshot.</summary>
    public UplinkStation? Station { get; }

    /// <summary>
    /// Forwards until <paramref name="cancellation"/> fires, then shuts down cleanly and returns.
    /// </summary>
    /// <exception cref="InvalidOperationException">A transport ended although it was not asked to (its port would be dead).</exception>
    public async Task RunAsync(CancellationToken cancellation)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("a runtime runs once");
        }
        PortQueues[] ports = [Uplink, .. _vms];
        AttachSpec[] attachments = [Config.Uplink, .. Config.Vms.Select(vm => vm.Attach)];
        var transports = new List<IPortTransport>(ports.Length);
        var tasks = new List<Task>(ports.Length);
        using var stopTransports = new CancellationTokenSource();
        using var stopLoop = new CancellationTokenSource();
        // The forwarding thread reads and writes device ports itself; received frames are copied once, into
        // the pool, and so is each copy the switch queues for a port (sized so that it never runs dry).
        var io = new PortIo(_readiness, ports);
        var pool = new FramePool(VepaStage.PoolSize(ports.Length), _slotSize);
        var stage = new VepaStage(Switch, Uplink, _vms, pool, Station, afterGoodbye: () => _ = stopTransports.CancelAsync());
        var loop = new ForwardingLoop(stage, io, pool, TimeProvider.System, _logger);
        bool loopStarted = false;
        try
        {
            for (int i = 0; i < ports.Length; i++)
            {
                RuntimeLog.PortAttaching(_logger, ports[i].PortName, attachments[i].Describe());
                transports.Add(_createTransport(attachments[i]));
            }
            loop.Start("vepa-forwarding", raisePriority: false, stopLoop.Token);
            loopStarted = true;
            for (int i = 0; i < ports.Length; i++)
            {
                // Task.Run: a transport that does blocking set-up before its first await must not hold up the others.
                (IPortTransport transport, PortQueues queues) = (transports[i], ports[i]);
                tasks.Add(Task.Run(() => transport.RunAsync(queues, stopTransports.Token), CancellationToken.None));
            }
            RuntimeLog.Forwarding(_logger, _vms.Length, Config.Uplink.Describe());
            if (Station is not null)
            {
                StationLog.Started(_logger, Station.Mac.ToString(), Config.Vms.Count(vm => vm.Vsi is not null));
            }
            await SuperviseAsync(ports, tasks, cancellation).ConfigureAwait(false);
        }
        finally
        {
            RuntimeLog.Stopping(_logger);
            // The loop first: the station's De-Associates and goodbye still need the uplink's transport.
            // Nothing blocks meanwhile: a stream transport still sending the station's last frames may need the thread pool.
            await stopLoop.CancelAsync().ConfigureAwait(false);
            if (loopStarted)
            {
                await loop.Ended.ConfigureAwait(false);
            }
            await stopTransports.CancelAsync().ConfigureAwait(false);
            await StopTransportsAsync(ports, transports, tasks).ConfigureAwait(false);
            RuntimeLog.Stopped(_logger, Uplink.Counters.RxFrames, Uplink.Counters.TxFrames,
                Switch.Uplink.DroppedTotal + Switch.Uplink.EgressDroppedTotal + Switch.Vms.Sum(vm => vm.DroppedTotal + vm.EgressDroppedTotal)
                + ports.Sum(port => port.Counters.RxDroppedTotal + port.Counters.TxDroppedTotal));
        }
    }

    /// <summary>
    /// Waits until cancelled, or until a transport quits on its own (it never should: its port would be
    /// dead). Link changes are logged where they happen (PortQueues), so nothing here wakes meanwhile.
    /// </summary>
    private async Task SuperviseAsync(PortQueues[] ports, List<Task> tasks, CancellationToken cancellation)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (cancellation.Register(() => cancelled.TrySetResult()))
        {
            Task ended = await Task.WhenAny([cancelled.Task, .. tasks]).ConfigureAwait(false);
            if (ended == cancelled.Task)
            {
                return;   // the ordinary way out: SIGTERM or Ctrl-C
            }
            int port = tasks.IndexOf(ended);
            RuntimeLog.TransportStopped(_logger, ports[port].PortName, ended.Exception?.InnerException);
            throw new InvalidOperationException($"the transport of port {ports[port].PortName} stopped on its own");
        }
    }

    private async Task StopTransportsAsync(PortQueues[] ports, List<IPortTransport> transports, List<Task> tasks)
    {
        for (int i = 0; i < tasks.Count; i++)
        {
            try
            {
                await tasks[i].ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Asked to stop: the contract's one exception.
            }
#pragma warning disable CA1031 // one transport's failure must not keep the others from being stopped and disposed
            catch (Exception exception)
#pragma warning restore CA1031
            {
                RuntimeLog.TransportStopped(_logger, ports[i].PortName, exception);
            }
        }
        foreach (IPortTransport transport in transports)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        Uplink.Dispose();
        foreach (PortQueues vm in _vms)
        {
            vm.Dispose();
        }
        _readiness.Dispose();
    }
}
