// Prometheus text exposition (format 0.0.4) of the instruments of one Meter, collected with a
// MeterListener, so what Prometheus scrapes is exactly what dotnet-counters shows. Instrument
// "hairpin.port.rx.frames" becomes "hairpin_port_rx_frames_total" (counters get _total).
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Hairpin.Host.Metrics;

public static class PrometheusText
{
    public static string Collect(string meterName)
    {
        var series = new SortedDictionary<string, (Instrument Instrument, List<string> Lines)>(StringComparer.Ordinal);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == meterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string name = NameOf(instrument);
            if (!series.TryGetValue(name, out var entry))
            {
                series[name] = entry = (instrument, []);
            }
            entry.Lines.Add($"{name}{Labels(tags)} {value.ToString(CultureInfo.InvariantCulture)}");
        });
        listener.Start();
        listener.RecordObservableInstruments();

        var text = new StringBuilder();
        foreach ((string name, (Instrument instrument, List<string> lines)) in series)
        {
            string type = instrument is ObservableCounter<long> ? "counter" : "gauge";
            text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {instrument.Description}\n# TYPE {name} {type}\n");
            foreach (string line in lines)
            {
                text.Append(line).Append('\n');
            }
        }
        return text.ToString();
    }

    private static string NameOf(Instrument instrument)
    {
        string name = instrument.Name.Replace('.', '_').Replace('-', '_');
        return instrument is ObservableCounter<long> ? name + "_total" : name;
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
        {
            return "";
        }
        var labels = new StringBuilder("{");
        for (int i = 0; i < tags.Length; i++)
        {
            string value = (tags[i].Value?.ToString() ?? "").Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
            labels.Append(i == 0 ? "" : ",").Append(tags[i].Key).Append("=\"").Append(value).Append('"');
        }
        return labels.Append('}').ToString();
    }
}
