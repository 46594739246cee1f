// The optional Prometheus endpoint for the vswitch's meter, as a synchronous using-scope (the
// vswitch's command runs synchronously; the endpoint itself is the bridge's, shared).
using Hairpin.Host.Metrics;

namespace Hairpin.DumbVswitch.Metrics;

internal sealed class PrometheusEndpointLease : IDisposable
{
    private readonly PrometheusEndpoint? _endpoint;

    /// <param name="endpoint">"ADDRESS:PORT" on loopback, or null for none.</param>
    public PrometheusEndpointLease(string? endpoint) =>
        _endpoint = endpoint is null ? null : PrometheusEndpoint.Start(endpoint, VswitchMetrics.MeterName);

    public void Dispose() => _endpoint?.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
