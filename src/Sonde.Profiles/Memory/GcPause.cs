namespace Sonde.Profiles.Memory;

/// <summary>A long collection and the stack (an id in the profile's stack table) whose allocation triggered it.</summary>
public readonly record struct GcPause(long TimeNs, long DurationNs, int Generation, int StackId);
