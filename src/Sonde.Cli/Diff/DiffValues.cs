using System.Globalization;
using Sonde.Cli.Reports;
using Sonde.Profiles;
using Sonde.Profiles.Diff;

namespace Sonde.Cli.Diff;

/// <summary>How diff and check print values, changes and test results, the same in text, Markdown and JUnit.</summary>
internal static class DiffValues
{
    /// <summary>A value in the diff's unit: a duration, a size in bytes, or a count.</summary>
    public static string Format(double value, DiffMeasure measure)
    {
        if (measure.IsTime) return ReportUnit.Duration(value);
        if (measure.Unit == "bytes")
        {
            var (scaled, suffix) = Math.Abs(value) switch
            {
                >= 1 << 30 => (value / (1 << 30), "GiB"),
                >= 1 << 20 => (value / (1 << 20), "MiB"),
                >= 1 << 10 => (value / (1 << 10), "KiB"),
                _ => (value, "B"),
            };
            return scaled.ToString(suffix == "B" ? "F0" : "F2", CultureInfo.InvariantCulture) + " " + suffix;
        }
        return value.ToString("N0", CultureInfo.InvariantCulture) + " " + measure.Unit;
    }

    /// <summary>The change in percent of BASE, signed (<c>+21.4%</c>), or <c>new</c> for something BASE did not have.</summary>
    public static string Relative(Change change)
    {
        if (double.IsPositiveInfinity(change.Relative)) return "new";
        if (change.New == 0 && change.Base > 0) return "gone";
        var percent = change.Relative * 100;
        return (percent >= 0 ? "+" : "") + percent.ToString("F1", CultureInfo.InvariantCulture) + "%";
    }

    /// <summary><c>file:line(function)</c> as reports print it, or the bare name when the profile knows no file (folded stacks).</summary>
    public static string Label(FunctionKey key) => key.File.Length == 0 ? key.Function : ReportLabels.Pstats(key);

    public static string Share(double share) => (100 * share).ToString("F1", CultureInfo.InvariantCulture) + "%";

    public static string Significance(Change change) => change.Delta == 0 ? "unchanged" : change.Significance switch
    {
        ChangeSignificance.Significant => "significant",
        ChangeSignificance.NotSignificant => "not significant",
        _ => "measured",
    };

    /// <summary>The significance with its adjusted p-value, e.g. <c>significant (q = 3.2e-09)</c>.</summary>
    public static string SignificanceWithQ(Change change) =>
        change.QValue is { } q ? $"{Significance(change)} (q = {Q(q)})" : Significance(change);

    public static string Q(double q) =>
        q >= 0.001 ? q.ToString("0.###", CultureInfo.InvariantCulture) : q.ToString("0.0e+00", CultureInfo.InvariantCulture);

    public static string Percent(double percent) => percent.ToString("0.##", CultureInfo.InvariantCulture) + "%";

    /// <summary>What a check item gated on, e.g. <c>own time</c>.</summary>
    public static string ValueName(CheckedValue value, DiffMeasure measure)
    {
        var noun = measure.IsTime ? "time" : measure.Unit;
        return value switch
        {
            CheckedValue.Own => "own " + noun,
            CheckedValue.Total => "total " + noun,
            _ => "whole run's " + noun,
        };
    }

    /// <summary><c>+21.4% (4.10 s → 4.98 s)</c>.</summary>
    public static string Movement(Change change, DiffMeasure measure) =>
        $"{Relative(change)} ({Format(change.Base, measure)} → {Format(change.New, measure)})";
}
