namespace Sonde.Remote.CPython;

/// <summary>A range of the target copied into a local buffer: where it came from, and where it sits locally.</summary>
internal readonly record struct CopiedRange(ulong Address, int Length, int Offset);
