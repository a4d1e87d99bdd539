namespace Sonde.Remote.Memory;

/// <summary>A span of the target's address space: what <see cref="IProcessMemory.ReadMany"/> reads.</summary>
public readonly record struct RemoteRange(ulong Address, int Length);
