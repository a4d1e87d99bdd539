using System.Text.RegularExpressions;

namespace Sonde.Profiles.Diff;

/// <summary>What <c>sonde check</c> counts as a regression.</summary>
/// <param name="MaxRegressionPercent">The largest growth allowed, in percent of the BASE value.</param>
/// <param name="Functions">Patterns matched against <c>file:line(function)</c>: gate these functions' total time.</param>
/// <param name="WholeRun">Gate the whole run's value.</param>
/// <param name="MinChangePercent">
/// Growth smaller than this share of BASE's whole run is never a regression: it keeps a microsecond function that
/// doubled from failing a build. Does not apply to the whole run.
/// </param>
/// <remarks>With neither <paramref name="Functions"/> nor <paramref name="WholeRun"/>, every function's own time is gated.</remarks>
public sealed record CheckRules(double MaxRegressionPercent, IReadOnlyList<Regex> Functions, bool WholeRun, double MinChangePercent)
{
    public const double DefaultMaxRegressionPercent = 10;
    public const double DefaultMinChangePercent = 1;
}
