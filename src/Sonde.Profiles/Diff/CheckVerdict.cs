namespace Sonde.Profiles.Diff;

/// <summary>How one gated value fared.</summary>
public enum CheckVerdict
{
    /// <summary>Within the threshold, or smaller, or too small a part of the run to matter.</summary>
    Passed,

    /// <summary>Beyond the threshold, but sampling error could explain it: not counted as a regression.</summary>
    NotSignificant,

    /// <summary>Beyond the threshold and real: the check fails.</summary>
    Regressed,
}
