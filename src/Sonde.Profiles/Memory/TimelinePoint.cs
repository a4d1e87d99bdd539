namespace Sonde.Profiles.Memory;

/// <summary>One value of a timeline, at nanoseconds since the profile's start.</summary>
public readonly record struct TimelinePoint(long TimeNs, long Value);
