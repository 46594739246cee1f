// A DumbVswitchRuntime running on in-memory transports for one test, stopped (bounded) when disposed.
using Hairpin.DumbVswitch.Configuration;
using Hairpin.DumbVswitch.Runtime;
using Hairpin.Host.Transports;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hairpin.DumbVswitch.Tests.Infrastructure;

internal sealed class RunningVswitch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();

    public RunningVswitch(IReadOnlyList<VmConfig> vms, MemoryTransports? transports = null)
    {
        Transports = transports ?? new MemoryTransports();
        Config = new DumbVswitchConfig { SourceFile = "test.yaml", Uplink = new StreamAttach("/tmp/uplink.sock", Listen: true), Vms = vms };
        Runtime = new DumbVswitchRuntime(Config, Transports.Create, NullLogger.Instance, slots: 64);
        Run = Runtime.RunAsync(_stop.Token);
    }

    public DumbVswitchConfig Config { get; }
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
    }
}
