namespace Sonde.Agent.Memory;

/// <summary>A line of a function, as a frame of a memory stack.</summary>
public sealed record MemorySite(string Function, string File, int FirstLine, int Line);
