namespace Sonde.Metrics;

/// <summary>
/// What the in-process agent of <c>sonde mem</c> reported so far about one Python process: garbage collections
/// and their pauses per generation (totals since the agent started), and tracemalloc's traced bytes.
/// </summary>
public sealed record AgentRuntimeSnapshot(
    int ProcessId,
    string PythonVersion,
    IReadOnlyList<GenerationTotals> Generations,
    long? TracedBytes,
    long? TracedPeakBytes);
