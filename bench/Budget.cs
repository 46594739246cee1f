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

    [JsonPropertyName("ratios")]
    public List<RatioBudget> Ratios { get; init; } = [];

    /// <summary>Goals still ahead (issue 11's): printed met or not met, never a failure.</summary>
    [JsonPropertyName("targets")]
    public List<RatioBudget> Targets { get; init; } = [];

    public static Budget Load(string path) =>
        JsonSerializer.Deserialize<Budget>(File.ReadAllText(path))
        ?? throw new InvalidDataException($"{path}: empty budget file");
}

/// <summary>Benchmark must run at least AtLeast times as fast as Of (e.g. 10,000 ACL rules vs 10), both measured in the same run.</summary>
internal sealed record RatioBudget
{
    [JsonPropertyName("benchmark")]
    public required string Benchmark { get; init; }

    [JsonPropertyName("of")]
    public required string Of { get; init; }

    [JsonPropertyName("atLeast")]
    public double AtLeast { get; init; }

    /// <summary>Where the figure comes from (e.g. "issue 11: 0.8x of the reference"); shown beside the verdict.</summary>
    [JsonPropertyName("why")]
    public string? Why { get; init; }
}
