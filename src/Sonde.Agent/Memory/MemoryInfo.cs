namespace Sonde.Agent.Memory;

/// <summary>The agent's last figures: traced bytes live and at peak, tracemalloc's own memory, and its settings and cost.</summary>
public sealed record MemoryInfo(long Current, long Peak, long TracerBytes, int Depth, long SampleThreshold, long Snapshots, double SnapshotSeconds);
