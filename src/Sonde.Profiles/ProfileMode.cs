namespace Sonde.Profiles;

/// <summary>How a profile was produced. Diffs only compare profiles of the same mode.</summary>
public enum ProfileMode
{
    Sampling,
    Tracing,
    Memory,
}
