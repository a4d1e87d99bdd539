namespace Sonde.Agent.Memory;

/// <summary>tracemalloc's traced bytes at a moment (Unix nanoseconds): live, and the peak so far.</summary>
public readonly record struct TracedMemoryPoint(long UnixNs, long Current, long Peak);
