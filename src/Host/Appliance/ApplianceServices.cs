// What runs around a bridge's engine and a reload may change: the management socket's access (its
// group and mode, changed in place) and the Prometheus endpoint (a new listener started before the
// old one goes). The socket's path cannot move under a running server's clients: a reload keeps it
// and says "needs a restart". Started before forwarding, so a metrics port already taken stops the
// start before the first frame moves.
using Hairpin.Host.Configuration;
using Hairpin.Host.Management;
using Hairpin.Host.Metrics;
using Hairpin.Host.Runtime;

namespace Hairpin.Host.Appliance;

/// <summary>Prepare and commit run under the runtime's config lock, one reload at a time; Dispose after the last.</summary>
internal sealed class ApplianceServices : IServiceReload, IAsyncDisposable
{
    private readonly string _meterName;
    private PrometheusEndpoint? _prometheus;

    private ApplianceServices(string meterName, PrometheusEndpoint? prometheus)
    {
        _meterName = meterName;
        _prometheus = prometheus;
    }

    /// <exception cref="System.Net.HttpListenerException">The metrics endpoint cannot listen (e.g. its port is taken).</exception>
    public static ApplianceServices Start(HostConfig config, string meterName) =>
        new(meterName, config.Metrics.Prometheus is string endpoint ? PrometheusEndpoint.Start(endpoint, meterName) : null);

    public (HostConfig Next, IReadOnlyList<string> Notes) KeepWhatNeedsARestart(HostConfig running, HostConfig loaded)
    {
        if (loaded.Management.Socket == running.Management.Socket)
        {
            return (loaded, []);
        }
        return (loaded with { Management = loaded.Management with { Socket = running.Management.Socket } },
            [$"management.socket: needs a restart (the socket stays {running.Management.Socket}, not {loaded.Management.Socket}); the rest was applied"]);
    }

    public PreparedChange Prepare(HostConfig running, HostConfig loaded)
    {
        var changes = new List<PreparedChange>(2);
        try
        {
            if (loaded.Management.Group != running.Management.Group)
            {
                changes.Add(RegroupSocket(running.Management.Socket, running.Management.Group, loaded.Management.Group));
            }
            if (loaded.Metrics.Prometheus != running.Metrics.Prometheus)
            {
                changes.Add(MoveMetrics(loaded.Metrics.Prometheus));
            }
        }
        catch
        {
            PreparedChange.All(changes).Abandon();
            throw;
        }
        return PreparedChange.All(changes);
    }

    /// <summary>chgrp and chmod in place: connected clients keep their connection, the next one meets the new access.</summary>
    private static PreparedChange RegroupSocket(string socket, string? was, string? wanted)
    {
        try
        {
            UnixSocketAccess.Restrict(socket, wanted);
        }
        catch (IOException error)
        {
            throw new ManagementException($"management.group: {error.Message}; nothing changed");
        }
        return new PreparedChange(() => { }, () => UnixSocketAccess.Restrict(socket, was));
    }

    /// <summary>The new listener starts now (a port in use refuses the reload); the old one stops at commit.</summary>
    private PreparedChange MoveMetrics(string? wanted)
    {
        PrometheusEndpoint? started;
        try
        {
            started = wanted is null ? null : PrometheusEndpoint.Start(wanted, _meterName);
        }
        catch (Exception error) when (error is System.Net.HttpListenerException or ArgumentException)
        {
            throw new ManagementException($"metrics.prometheus: cannot serve on {wanted}: {error.Message}; nothing changed");
        }
        return new PreparedChange(
            () =>
            {
                PrometheusEndpoint? old = _prometheus;
                _prometheus = started;
                old?.DisposeAsync().AsTask().GetAwaiter().GetResult();   // closing aborts a scrape in flight: quick
            },
            () => started?.DisposeAsync().AsTask().GetAwaiter().GetResult());
    }

    public async ValueTask DisposeAsync()
    {
        if (_prometheus is not null)
        {
            await _prometheus.DisposeAsync().ConfigureAwait(false);
        }
    }
}
