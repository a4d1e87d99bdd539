namespace Sonde.Profiles.Diff;

/// <summary>Whether a change is more than sampling error could explain.</summary>
public enum ChangeSignificance
{
    /// <summary>Sampled, and the change survives the Benjamini-Hochberg adjustment at the diff's false discovery rate.</summary>
    Significant,

    /// <summary>Sampled, and sampling error alone could explain the change.</summary>
    NotSignificant,

    /// <summary>Measured, not sampled (a trace, a cProfile file, the whole run's time): no sampling error applies.</summary>
    Measured,
}
