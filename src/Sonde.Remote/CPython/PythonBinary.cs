using Sonde.Remote.CPython.Objects;

namespace Sonde.Remote.CPython;

/// <summary>
/// Where a process keeps its CPython runtime. <see cref="Path"/> is the ELF that defines <c>_PyRuntime</c>: the
/// executable for a static build, or the mapped libpython for a shared one. <see cref="RuntimeAddress"/> is
/// absolute in the target's address space.
/// </summary>
public sealed record PythonBinary(
    int ProcessId, string Path, string ExecutablePath, ulong LoadBias, ulong RuntimeAddress, PythonVersion Version)
{
    /// <summary>The builtin types and singletons of that ELF, for reading Python values.</summary>
    public BuiltinAddresses Builtins { get; init; } = BuiltinAddresses.Unknown;

    /// <summary>True when the runtime lives in a libpython rather than in the executable.</summary>
    public bool IsSharedLibrary => Path != ExecutablePath;
}
