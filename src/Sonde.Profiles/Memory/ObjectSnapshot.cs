namespace Sonde.Profiles.Memory;

/// <summary>Counts of tracked objects by type at one moment (nanoseconds since the profile's start).</summary>
public sealed record ObjectSnapshot(long TimeNs, IReadOnlyList<ObjectTypeCount> Types);
