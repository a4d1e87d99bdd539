namespace Sonde.Agent.Memory;

/// <summary>One collection as gc.callbacks saw it; <see cref="Sites"/> is empty unless it was among the longest.</summary>
public sealed record GcEvent(long UnixNs, long DurationNs, int Generation, long Collected, long Uncollectable, IReadOnlyList<MemorySite> Sites);
