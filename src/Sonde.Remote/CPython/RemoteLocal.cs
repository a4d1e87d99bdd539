namespace Sonde.Remote.CPython;

/// <summary>
/// A local variable of a frame: its name, its value's type name, and the value as Python's repr shows it for None,
/// bools, ints, floats, strs and bytes (long ones cut); <see cref="Value"/> is null for any other type.
/// </summary>
public readonly record struct RemoteLocal(string Name, string TypeName, string? Value);
