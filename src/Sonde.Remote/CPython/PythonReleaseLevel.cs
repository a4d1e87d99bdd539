namespace Sonde.Remote.CPython;

/// <summary>The release level nibble of <c>PY_VERSION_HEX</c>.</summary>
public enum PythonReleaseLevel : byte
{
    Alpha = 0xA,
    Beta = 0xB,
    Candidate = 0xC,
    Final = 0xF,
}
