// An optional HTTP endpoint serving PrometheusText at /metrics. Loopback only: counters reveal the
// network's layout, so exposing them beyond the machine is a decision for a proxy, not a default.
using System.Net;
using System.Text;

namespace Hairpin.Host.Metrics;

public sealed class PrometheusEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _meterName;
    private readonly Task _serving;
    private readonly CancellationTokenSource _stop = new();

    private PrometheusEndpoint(string prefix, string meterName)
    {
        _meterName = meterName;
        _listener.Prefixes.Add(prefix);
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    /// <summary>Starts serving on "ADDRESS:PORT", which must be a loopback address.</summary>
    public static PrometheusEndpoint Start(string endpoint, string meterName)
    {
        if (!IPEndPoint.TryParse(endpoint, out IPEndPoint? address) || address.Port == 0)
        {
            throw new ArgumentException($"metrics endpoint '{endpoint}' is not ADDRESS:PORT", nameof(endpoint));
        }
        if (!IPAddress.IsLoopback(address.Address))
        {
            throw new ArgumentException($"metrics endpoint '{endpoint}' is not a loopback address (127.0.0.0/8 or ::1)", nameof(endpoint));
        }
        string host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address.Address}]" : address.Address.ToString();
        return new PrometheusEndpoint($"http://{host}:{address.Port}/", meterName);
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;   // stopped
            }
            using HttpListenerResponse response = context.Response;
            if (context.Request.Url?.AbsolutePath != "/metrics")
            {
                response.StatusCode = 404;
                continue;
            }
            byte[] body = Encoding.UTF8.GetBytes(PrometheusText.Collect(_meterName));
            response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            response.ContentLength64 = body.Length;
            await response.OutputStream.WriteAsync(body).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        _listener.Close();
        await _serving.ConfigureAwait(false);
        _stop.Dispose();
    }
}
