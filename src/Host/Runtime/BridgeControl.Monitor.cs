// `hairpin monitor show|add|del` over the management socket: the bridge's mirroring sessions, kept by
// the runtime's MonitorService (which checks a live add as the file reader checks the file).
using Hairpin.Host.Management;

namespace Hairpin.Host.Runtime;

public sealed partial class BridgeControl : IMonitorControl
{
    public Task<IReadOnlyList<MonitorSessionInfo>> ShowMonitorsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(runtime.Monitors.Show());

    public Task<MonitorSessionInfo> AddMonitorAsync(MonitorSessionConfig session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return runtime.Monitors.AddAsync(session);
    }

    public Task DeleteMonitorAsync(string name, CancellationToken cancellationToken)
    {
        runtime.Monitors.Remove(name);
        return Task.CompletedTask;
    }
}
