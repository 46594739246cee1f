// The Prometheus endpoint serves the meter's text on loopback and refuses anything else.
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Hairpin.Host.Metrics;

namespace Hairpin.Host.Tests.Runtime;

public sealed class PrometheusEndpointTests
{
    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public async Task ServesMetricsOnLoopback()
    {
        string meterName = $"Hairpin.Test.{Guid.NewGuid():N}";
        using var meter = new Meter(meterName);
        meter.CreateObservableCounter("test.frames", () => 42L, "{frame}", "frames seen");
        int port = FreePort();
        await using PrometheusEndpoint endpoint = PrometheusEndpoint.Start($"127.0.0.1:{port}", meterName);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        string text = await client.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        Assert.Contains("# TYPE test_frames_total counter", text, StringComparison.Ordinal);
        Assert.Contains("test_frames_total 42", text, StringComparison.Ordinal);
        using HttpResponseMessage other = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/other"));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Theory]
    [InlineData("0.0.0.0:9417", "not a loopback")]
    [InlineData("10.1.2.3:9417", "not a loopback")]
    [InlineData("localhost", "not ADDRESS:PORT")]
    public void RefusesAnythingButALoopbackAddressAndPort(string endpoint, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => PrometheusEndpoint.Start(endpoint, "x"));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }
}
