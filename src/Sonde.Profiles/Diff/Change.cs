namespace Sonde.Profiles.Diff;

/// <summary>One value in BASE and NEW (in the diff's unit), their shares of each whole run, and the test of the difference.</summary>
/// <param name="PValue">Two-sided p-value of the difference; null when no sampling error applies.</param>
/// <param name="QValue">The p-value after the Benjamini-Hochberg adjustment over every function; null likewise.</param>
public sealed record Change(double Base, double New, double BaseShare, double NewShare, double? Z, double? PValue, double? QValue, ChangeSignificance Significance)
{
    public double Delta => New - Base;

    /// <summary>The change relative to BASE: 0.2 for 20% more; +∞ for something BASE did not have.</summary>
    public double Relative => Base > 0 ? (New - Base) / Base : New > 0 ? double.PositiveInfinity : 0;

    /// <summary>True when the change is more than sampling error (or is measured exactly).</summary>
    public bool IsReal => Significance != ChangeSignificance.NotSignificant;
}
