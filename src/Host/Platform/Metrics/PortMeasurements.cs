// The tags every port metric carries, one spelling for the bridge's meter and the dumb vswitch's,
// so dashboards can query both the same way: port, and for drops direction and reason.
using System.Diagnostics.Metrics;

namespace Hairpin.Host.Metrics;

public static class PortMeasurements
{
    public static Measurement<long> OfPort(long value, string port) =>
        new(value, new KeyValuePair<string, object?>("port", port));

    public static Measurement<long> Drop(long value, string port, string direction, string reason) =>
        new(value, new KeyValuePair<string, object?>("port", port), new KeyValuePair<string, object?>("direction", direction), new KeyValuePair<string, object?>("reason", reason));
}
