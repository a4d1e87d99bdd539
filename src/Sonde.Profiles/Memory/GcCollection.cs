namespace Sonde.Profiles.Memory;

/// <summary>
/// One garbage collection, as gc.callbacks reported it: when it started (nanoseconds since the profile's start),
/// how long it took, its generation, the objects it collected and those it found uncollectable.
/// </summary>
public readonly record struct GcCollection(long TimeNs, long DurationNs, int Generation, long Collected, long Uncollectable, int ProcessId);
