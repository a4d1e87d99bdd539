namespace Sonde.Agent.Memory;

/// <summary>Bytes and allocations of one stack, its sites outermost first.</summary>
public sealed record MemoryStack(long Bytes, long Count, IReadOnlyList<MemorySite> Sites);
