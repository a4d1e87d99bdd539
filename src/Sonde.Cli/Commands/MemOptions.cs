using Sonde.Cli.History;

namespace Sonde.Cli.Commands;

/// <summary>Everything `sonde mem` was asked to do, bound from the command line.</summary>
internal sealed record MemOptions(
    string? Output,
    string? Format,
    string? Weight,
    int Depth,
    int SampleThreshold,
    double SnapshotSeconds,
    bool Objects,
    IReadOnlyList<string> Lines,
    IReadOnlyList<string> Command,
    HistoryChoice? History = null,
    bool Tracemalloc = false,
    int SampleBytes = 512 * 1024,
    string? Metrics = null);
