namespace Sonde.Remote.CPython;

/// <summary>A pointer-sized value in the target that must still hold <see cref="Expected"/> for a walk to count as consistent.</summary>
internal readonly record struct PointerCheck(ulong Address, ulong Expected);
