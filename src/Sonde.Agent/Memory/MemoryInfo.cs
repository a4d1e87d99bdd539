namespace Sonde.Agent.Memory;

/// <summary>
/// The agent's last figures: traced bytes live and at peak, the tracer's own memory, and its settings and cost.
/// With the native engine (<paramref name="Native"/>) the bytes are estimates from allocations sampled one per
/// <paramref name="SampleBytes"/> on average.
/// </summary>
public sealed record MemoryInfo(long Current, long Peak, long TracerBytes, int Depth, long SampleThreshold, long Snapshots, double SnapshotSeconds,
    bool Native = false, long SampleBytes = 0);
