namespace Sonde.Agent.Memory;

/// <summary>
/// One kind of stacks as last sent: the exact traced total (0 for allocated stacks), the wall-clock time of the
/// snapshot in Unix nanoseconds, and the stacks, small ones sampled (docs/memory.md).
/// </summary>
public sealed record MemoryStackSet(long TotalBytes, long UnixNs, IReadOnlyList<MemoryStack> Stacks);
