// The budget file, bench/budget.json: what the gate holds every benchmark to.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hairpin.Benchmarks;

internal sealed record Budget
{
    [JsonPropertyName("maxAllocatedBytesPerFrame")]
    public double MaxAllocatedBytesPerFrame { get; init; }

    [JsonPropertyName("floorsMpps")]
    public Dictionary<string, double> FloorsMpps { get; init; } = [];

    public static Budget Load(string path) =>
        JsonSerializer.Deserialize<Budget>(File.ReadAllText(path))
        ?? throw new InvalidDataException($"{path}: empty budget file");
}
