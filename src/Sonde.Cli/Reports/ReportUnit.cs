using System.Globalization;

namespace Sonde.Cli.Reports;

/// <summary>
/// The unit a column of values prints in: seconds, milliseconds or microseconds chosen from the largest value,
/// so a column reads in one unit; or a plain count when the profile has no time.
/// </summary>
internal sealed record ReportUnit(string Name, double Divisor, int Decimals)
{
    public static ReportUnit For(ReportModel model, long largest)
    {
        if (!model.IsTime) return new ReportUnit(model.UnitName, 1, 0);
        return largest switch
        {
            >= 1_000_000_000 => new ReportUnit("s", 1e9, 3),
            >= 1_000_000 => new ReportUnit("ms", 1e6, 3),
            _ => new ReportUnit("µs", 1e3, 3),
        };
    }

    public string Format(long value) => (value / Divisor).ToString(Decimals == 0 ? "F0" : "F" + Decimals, CultureInfo.InvariantCulture);

    /// <summary>The value with its unit, e.g. <c>1.234 ms</c>.</summary>
    public string WithUnit(long value) => Format(value) + " " + Name;

    /// <summary>A time with three significant digits in the unit that suits it, e.g. <c>523 ns</c> or <c>1.04 ms</c>.</summary>
    public static string Duration(double ns)
    {
        var (value, suffix) = ns switch
        {
            >= 1e9 => (ns / 1e9, "s"),
            >= 1e6 => (ns / 1e6, "ms"),
            >= 1e3 => (ns / 1e3, "µs"),
            _ => (ns, "ns"),
        };
        var format = value >= 100 ? "F0" : value >= 10 ? "F1" : "F2";
        if (suffix == "ns") format = "F0";
        return value.ToString(format, CultureInfo.InvariantCulture) + " " + suffix;
    }

    public static string Percent(long part, long whole) =>
        whole <= 0 ? "0.0%" : (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + "%";
}
