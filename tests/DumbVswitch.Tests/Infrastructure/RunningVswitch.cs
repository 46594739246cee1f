// A DumbVswitchRuntime running on in-memory transports for one test, stopped (bounded) when disposed.
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Runtime;
using Hairpin.Host.Transports;
using Hairpin.Host.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal sealed class RunningVswitch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    /// <param name="evb">The uplink's station role; null: none, unless a VM has a VSI (then <see cref="TestStation"/>).</param>
    /// <param name="realAttachments">Afpacket and tap attachments get their real transports (the rest stay in memory).</param>
    /// <param name="uplink">The uplink's attachment; null: a stream in memory.</param>
    public RunningVswitch(IReadOnlyList<VmConfig> vms, MemoryTransports? transports = null, StationConfig? evb = null, bool realAttachments = false, AttachSpec? uplink = null)
    {
        Log = new CapturingLogger();
        Transports = transports ?? new MemoryTransports();
        Config = new DumbVswitchConfig
        {
            SourceFile = "test.yaml",
            Uplink = uplink ?? new StreamAttach("/tmp/uplink.sock", Listen: true),
            Vms = vms,
            Evb = evb ?? (vms.Any(vm => vm.Vsi is not null) ? TestStation : null),
        };
        Func<AttachSpec, IPortTransport> create = realAttachments
            ? attach => attach is AfPacketAttach or TapAttach ? TransportFactory.Create(attach) : Transports.Create(attach)
            : Transports.Create;
        Runtime = new DumbVswitchRuntime(Config, create, Log.Factory.CreateLogger("dumb-vswitch"), slots: 64);
        Run = Runtime.RunAsync(_stop.Token);
    }

    /// <summary>
    /// lldpad's timers but ECP's acknowledgement timeout (163 ms, not 2.56 ms): a test's bridge is a
    /// pump polling every few milliseconds on a loaded machine, not a wire.
    /// </summary>
    public static StationConfig TestStation { get; } = new() { RetransmitExponent = 14 };

    public DumbVswitchConfig Config { get; }
    /// <summary>Every line the runtime logged.</summary>
    public CapturingLogger Log { get; }
    public string LogText => string.Join('\n', Log.Lines.Select(line => line.Message));
    public MemoryTransports Transports { get; }
    public DumbVswitchRuntime Runtime { get; }
    public Task Run { get; }

    public MemoryTransport Uplink => Transports[Config.Uplink];

    public MemoryTransport Vm(int index) => Transports[Config.Vms[index].Attach];

    /// <summary>Waits (bounded) until every port's transport has marked its link up.</summary>
    public Task<bool> AllUpAsync() =>
        Eventually.HoldsAsync(() => Runtime.Uplink.IsUp && Runtime.Vms.All(vm => vm.IsUp));

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (!Run.IsCompleted)
        {
            await _stop.CancelAsync();
            try
            {
                await Run.WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (InvalidOperationException)
            {
                // A test that made a transport quit has already looked at this.
            }
        }
        Runtime.Dispose();
        _stop.Dispose();
        Log.Factory.Dispose();
    }
}
